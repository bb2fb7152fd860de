"""Search across the zone, the kernel's half: how an app's search provider matches and ranks its records, and the
trigram indexes that make it fast on PostgreSQL.

An app registers a `registries.SearchProvider` whose `search(user, term, limit)` starts from its scoped queryset
(`Model.objects.restrict(user, "view")`, so nobody finds what they could not open) and calls `matching()`:

    qs = matching(Enterprise.objects.restrict(user, "view"), term,
                  fields=("name", "former_names", "legal_representative"), primary="name", codes=("uscc",))

Every word of the term must appear in one of `fields` (Chinese has no case: `LIKE`; Latin words ignore case; a
related field, `investor__name`, is a semi-join) or the whole term must begin one of `codes` (a USCC, a request
number). The rank, highest first: a code equal to the
term, the primary field equal to it, beginning with it, containing it, then a match elsewhere (a former name, a
legal representative); ties go to the shorter name. On PostgreSQL a GIN trigram index (pg_trgm) on each searched
column serves `LIKE '%…%'` for terms of three characters or more — CJK characters make trigrams like any other —
and a GIN index on each column's two-character pieces (`parkos_bigrams`) serves the two-character Chinese words
trigrams cannot (三一); one character scans. SQLite scans, which suits its small installations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, migrations
from django.db.models import Case, ForeignKey, Func, IntegerField, Lookup, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Length

MAX_TERM = 50
RELATED_MIN = 3  # a related record's field (a project's investor) is searched from three characters
RANK_CODE, RANK_EXACT, RANK_PREFIX, RANK_CONTAINS, RANK_OTHER = 100, 90, 80, 60, 40


def normalize(q: str | None) -> str:
    """The term as searched: whitespace collapsed, NUL and control characters dropped, at most `MAX_TERM` long."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", q or "")
    return " ".join(text.split())[:MAX_TERM]


# A text's distinct two-character pieces: a GIN index on them finds a two-character Chinese word (三一) — which
# makes no trigram, so pg_trgm cannot — exactly: `parkos_bigrams(col) @> ARRAY['三一']` ⇔ `col LIKE '%三一%'`.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION parkos_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, char_length(t) - 1) AS i $$
"""


class Bigrams(Func):
    function = "parkos_bigrams"
    template = "%(function)s(%(expressions)s::text)"
    output_field = ArrayField(TextField())


def _bigram_word(word: str, vendor: str) -> bool:
    return vendor == "postgresql" and len(word) == 2 and not word.isascii()


def _has(field: str, word: str, how: str = "contains") -> Q:
    """`field` contains/begins with/equals `word`: Latin words ignore case, Chinese ones need no UPPER()."""
    lookup = {"contains": "contains", "startswith": "startswith", "exact": "exact"}[how]
    if word.isascii():
        lookup = "i" + lookup
    return Q(**{f"{field}__{lookup}": word})


class AnyOf(Lookup):
    """`fk = ANY(ARRAY(SELECT …))`: the related ids found first (an InitPlan, on its own table's index), then this
    table's foreign-key index — where `fk IN (SELECT …)` inside an OR makes PostgreSQL scan the whole table."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


ForeignKey.register_lookup(AnyOf)


def _related(model, path: str, word: str, vendor: str) -> Q:
    """A related record's field (a project's investor's name) as a semi-join on the related table's own index, not
    a join of both tables filtered row by row."""
    fk, field = path.split("__", 1)
    found = model._meta.get_field(fk).related_model._default_manager.filter(_has(field, word)).values("pk")
    if vendor == "postgresql":
        return Q(**{f"{fk}__any_of": ArraySubquery(found)})
    return Q(**{f"{fk}__in": found})


def matching(
    qs: QuerySet, term: str, *, fields: Sequence[str], primary: str, codes: Sequence[str] = ()
) -> QuerySet:
    """`qs` narrowed to the records the term finds, annotated with `search_rank` and ordered best first."""
    term = normalize(term)
    if not term:
        return qs.none()
    vendor = connections[qs.db].vendor
    aliases = {}
    by_words = Q()
    for word in term.split():
        any_field = Q()
        for f in fields:
            if "__" not in f and _bigram_word(word, vendor):
                aliases[f"_bigrams_{f}"] = Bigrams(f)
                any_field |= Q(**{f"_bigrams_{f}__contains": [word]})
            elif "__" not in f:
                any_field |= _has(f, word)
            elif len(word) >= RELATED_MIN:  # two characters match thousands of companies: noise, and a scan
                any_field |= _related(qs.model, f, word, vendor)
        by_words &= any_field
    by_code = Q()
    code = term.replace(" ", "").upper()
    for c in codes:
        by_code |= Q(**{f"{c}__startswith": code})
    cond = by_words | by_code if codes else by_words
    whens = [When(Q(**{c: code}), then=Value(RANK_CODE)) for c in codes]
    whens += [
        When(_has(primary, term, "exact"), then=Value(RANK_EXACT)),
        When(_has(primary, term, "startswith"), then=Value(RANK_PREFIX)),
        When(_has(primary, term), then=Value(RANK_CONTAINS)),
    ]
    rank = Case(*whens, default=Value(RANK_OTHER), output_field=IntegerField())
    return (
        qs.alias(**aliases)
        .filter(cond)
        .annotate(search_rank=rank, search_len=Length(primary))
        .order_by("-search_rank", "search_len", primary, "pk")
    )


# ---- the indexes -----------------------------------------------------------------------------------------------
def _index_name(table: str, column: str, variant: str = "") -> str:
    return f"{table}_{column}_trgm{variant}"[:63]


def trigram_indexes(table: str, *columns: str) -> migrations.RunPython:
    """A migration operation: GIN trigram indexes on `table`'s `columns` on PostgreSQL (creating pg_trgm, a
    trusted extension, if needed); nothing on other databases."""

    def forwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(BIGRAMS_FUNCTION)
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column, "b")}" '
                f'ON "{table}" USING gin (parkos_bigrams("{column}"::text))'
            )
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column)}" '
                f'ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )
            # Latin words are matched as Django's icontains writes it, UPPER(col::text) LIKE UPPER(…)
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column, "u")}" '
                f'ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, column)}"')
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, column, "u")}"')
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, column, "b")}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


def hits(qs: QuerySet, kind: str, limit: int, *, label, url, detail=lambda o: "") -> list:
    """The first `limit` records of a `matching()` queryset as the registry's `SearchHit`s (one query)."""
    from .registries import SearchHit

    return [
        SearchHit(
            kind=kind, label=str(label(o)), url=url(o), rank=float(o.search_rank), detail=str(detail(o))
        )
        for o in qs[:limit]
    ]


def joined(*parts) -> str:
    """A hit's detail line: the parts that are there, separated by ' · '."""
    return " · ".join(str(p) for p in parts if p not in (None, ""))
