"""One list page: every paginated page of every app is a kernel `ListPage` (FilterSet + table), answering its
filters, sorts, htmx partial and .xlsx export, and refusing bad input without a 500."""

import ast
import io
import pathlib

import pytest
from django.core.paginator import Page
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from parkos.core import registries
from tests.xlsx import read_xlsx

get_resolver().url_patterns  # noqa: B018  (imports every app's views: their list pages register)
SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "parkos"
BAD = {"q": "\x00" + "长" * 300, "page": "100000000000000000000", "sort": "-nope", "year": "0", "park": "x"}


def _patterns(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def _plain_urls():
    for name in sorted(set(_patterns())):
        if name.startswith(("admin:", "api-")):
            continue
        try:
            yield reverse(name)
        except Exception:  # noqa: S112  (a pattern with arguments: not a list of its own)
            continue


@pytest.mark.django_db
def test_every_paginated_page_is_a_kernel_list_page(client, admin):
    """Walk the URL patterns: every page that shows a page of rows comes from `core.lists.ListPage`."""
    client.force_login(admin)
    lists_seen, others = [], []
    for url in _plain_urls():
        r = client.get(url)
        if r.status_code != 200 or r.context is None or "page" not in r.context:
            continue
        if not isinstance(r.context["page"], Page):
            continue
        (lists_seen if "list_page" in r.context else others).append(url)
    assert not others, f"paginated pages outside the kernel's list page: {others}"
    assert len(lists_seen) >= 10


def test_no_view_paginates_sorts_or_exports_a_list_by_hand():
    banned = {"page_of", "sort_columns", "Paginator"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel in {"core/lists.py", "core/views.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in banned:
                    found.append(f"{rel}:{node.lineno} {name}")
    assert not found, found


@pytest.mark.parametrize("list_page", list(registries.list_pages), ids=lambda p: p.name)
def test_every_list_page_sorts_filters_exports_and_answers_htmx(client, admin, list_page):
    page = list_page
    client.force_login(admin)
    try:
        url = reverse(page.url)
    except NoReverseMatch:
        pytest.skip("a list inside a record's page (needs its id)")
    assert client.get(url).status_code == 200
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.text
    for h in page.table.headers(""):
        if "key" in h:
            for s in (h["key"], "-" + h["key"]):
                assert client.get(url, {"sort": s}).status_code == 200, s
    assert client.get(url, BAD).status_code == 200
    for name in page.filters.base_filters:
        assert client.get(url, {name: "\x00bad"}).status_code == 200, name
    if page.export:
        r = client.get(url, {"export": "xlsx"})
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = read_xlsx(io.BytesIO(r.content))
        assert rows, "the export has its header row"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "list_page", [p for p in registries.list_pages if p.staff_only], ids=lambda p: p.name
)
def test_officials_only_list_pages_answer_404_to_an_enterprise_and_export_nothing(
    client, ent_user_a, list_page
):
    try:
        url = reverse(list_page.url)
    except NoReverseMatch:
        pytest.skip("a list inside a record's page (needs its id)")
    client.force_login(ent_user_a)
    assert client.get(url).status_code == 404
    assert client.get(url, {"export": "xlsx"}).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_a_filtersets_form_is_built_once_per_class_and_a_subclass_keeps_its_own_fields():
    import django_filters as df

    from parkos.core import lists
    from parkos.enterprises.models import Enterprise

    class Base(lists.FilterSet):
        q = lists.Search("name")

        class Meta:
            model = Enterprise
            fields: list[str] = []

    class WithStatus(Base):
        status = df.CharFilter()

    first, second = Base({"q": "汽车"}), Base({"q": "重工"})
    assert first.form.__class__ is second.form.__class__  # not rebuilt per request
    assert first.form.is_valid()
    assert second.form.is_valid()
    assert first.form.cleaned_data["q"] == "汽车"
    assert second.form.cleaned_data["q"] == "重工"
    sub = WithStatus({"status": "operating"})
    assert sub.form.__class__ is not first.form.__class__
    assert sub.form.is_valid()
    assert set(sub.form.fields) == {"q", "status"}
    assert set(first.form.fields) == {"q"}
    assert sub.form.cleaned_data["status"] == "operating"


def test_numbered_pages_and_a_choice_of_rows_per_page(client_staff_a, dept_a):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(130, owner=dept_a)
    page = client_staff_a.get("/enterprises/", {"page": 3}).content.decode()
    assert "第 3 / 6 页" in page
    for n in (1, 2, 4, 5, 6):
        assert f"?page={n}" in page
    assert 'aria-current="page"><span class="page-link">3<' in page
    assert "?per_page=50" in page
    wide = client_staff_a.get("/enterprises/", {"per_page": 50})
    assert len(wide.context["page"].object_list) == 50
    assert wide.context["page"].paginator.num_pages == 3
    assert len(client_staff_a.get("/enterprises/", {"per_page": 5000}).context["page"].object_list) == 25
    many = client_staff_a.get("/enterprises/", {"page": 1, "per_page": 10}).content.decode()
    assert "…" in many  # 13 pages: 1 2 3 … 13
