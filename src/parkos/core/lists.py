"""One list page for every app, as NetBox does it: a FilterSet (django-filter) and a table definition drive the
filters, the sort, the htmx partial, the pagination and the .xlsx export of the filtered set; the API's list
endpoints use the same FilterSet.

    class ProjectFilters(lists.FilterSet):          # <app>/filters.py — also used by the API
        q = lists.Search("name", "code", "investor__name")
        status = df.ChoiceFilter(choices=Status.choices)
        sort = lists.Sort({"name": "name", "registered": "registered_on"}, default="-registered")

    project_list = lists.ListPage(                   # <app>/views.py
        filters=ProjectFilters, table=PROJECT_TABLE, queryset=selectors.project_list,
        template="projects/list.html", partial="projects/_table.html", export=("projects.xlsx", "重点项目"))

A bad value in the query string (a NUL byte, a page past the end, an unknown choice or sort) is ignored, never a
500: the FilterSet's form drops the field that fails validation, and `Paginator.get_page` clamps the page.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import django_filters as df
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .excel import Column, Schema, text

MAX_EXPORT = 50_000
MAX_TERM = 100


# ---- filters ------------------------------------------------------------------------------------------------
class Search(df.CharFilter):
    """The list's search box: every word must appear in one of `fields` (contains; Chinese has no case)."""

    def __init__(self, *fields: str, method: Callable | None = None, **kw: Any):
        self.search_fields = fields
        kw.setdefault("max_length", MAX_TERM)
        super().__init__(field_name="q", **kw)
        self._custom = method

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        if self._custom is not None:
            return self._custom(qs, value)
        for word in value.split():
            cond = Q()
            for f in self.search_fields:
                cond |= Q(**{f"{f}__contains" if not word.isascii() else f"{f}__icontains": word})
            qs = qs.filter(cond)
        return qs


class Id(df.NumberFilter):
    """A foreign key chosen by id (a select of parks, departments…); the cleaned value is an int."""

    field_class = forms.IntegerField

    def __init__(self, field_name: str, **kw: Any):
        kw.setdefault("min_value", 1)
        kw.setdefault("max_value", 2**63 - 1)
        super().__init__(field_name=field_name, **kw)


class Sort(df.Filter):
    """`?sort=key` or `?sort=-key` over the keys of `fields` (key → ORM expression); anything else is the default.
    Ties break on the primary key, so pages never repeat or skip a row."""

    field_class = forms.CharField

    def __init__(
        self,
        fields: dict[str, str],
        *,
        default: str,
        order: Callable[[QuerySet, str, bool], QuerySet] | None = None,
        **kw: Any,
    ):
        """`order(qs, expression, descending)` replaces the plain ORDER BY (nulls last, a leading group)."""
        self.fields, self.default, self.order = dict(fields), default, order
        kw.setdefault("max_length", 60)
        super().__init__(field_name="sort", **kw)

    def valid(self, value: str) -> str:
        value = (value or "").strip()
        return value if value.lstrip("-") in self.fields else self.default

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        value = self.valid(value)
        desc = value.startswith("-")
        order = self.fields[value.lstrip("-")]
        if self.order is not None:
            return self.order(qs, order, desc)
        first = [f"-{o}" if desc else o for o in order.split(",")]
        return qs.order_by(*first, "-pk" if desc else "pk")


def _copy_field(f: forms.Field) -> forms.Field:
    """A form field as Django's deep copy makes it for each form — its own widget, attributes, messages,
    validators and list of choices — without deep-copying every choice's (lazily translated) label. Fields made
    of other fields or over a queryset are deep-copied as Django does."""
    if isinstance(f, forms.MultiValueField | forms.ModelChoiceField):
        return copy.deepcopy(f)
    new = copy.copy(f)
    new.widget = copy.copy(f.widget)
    new.widget.attrs = f.widget.attrs.copy()
    new.error_messages = f.error_messages.copy()
    new.validators = f.validators[:]
    if isinstance(
        f, forms.ChoiceField
    ):  # a list, or django-filter's iterator over one (adds the empty choice)
        new._choices = copy.copy(f._choices)  # type: ignore[attr-defined]
        if hasattr(f.widget, "choices"):
            new.widget.choices = copy.copy(f.widget.choices)  # type: ignore[attr-defined]
    return new


class _FieldCopies(dict):
    """A filter form's fields: each form (one a request) gets copies of them (`_copy_field`), as with Django,
    but cheaply — the deep copy of a list's form fields was 5% of an API list call."""

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: _copy_field(f) for name, f in self.items()}


class _FilterCopies(dict):
    """A FilterSet's filters: each FilterSet (one a request) gets its own copy of each, holding its own `parent`
    and `model`; django-filter deep-copied them (every form-field argument, every choice), 9% of an API list."""

    def __deepcopy__(self, memo: dict) -> dict:
        out = {}
        for name, f in self.items():
            new = copy.copy(f)
            new.extra = f.extra.copy()
            out[name] = new
        return out


class FilterSet(df.FilterSet):
    """Base of every list's filters. Unbound (no query) it still sorts by the default; `defaults` are the values a
    filter takes when the query does not name it (the open leads, this year)."""

    defaults: dict[str, Any] = {}

    def __init__(self, data=None, *args: Any, **kw: Any):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), _FilterCopies):
            cls.base_filters = _FilterCopies(cls.base_filters)
        data = {} if data is None else data
        if self.defaults and any(k not in data for k in self.defaults):
            data = data.copy() if hasattr(data, "copy") else dict(data)
            for k, v in self.defaults.items():
                if k not in data or data.get(k) is None:  # absent; an empty value is "any"
                    data[k] = v
        super().__init__(data, *args, **kw)

    def get_form_class(self) -> type[forms.Form]:
        """Built once per FilterSet class: our filters are declared statically (no per-request choices), and
        django-filter would otherwise build every form field again on each request (~1 ms a list page)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldCopies(form_class.base_fields)  # type: ignore[attr-defined]
            cls._form_class = form_class
        return cls.__dict__["_form_class"]

    @property
    def sort_filter(self) -> Sort | None:
        f = self.filters.get("sort")
        return f if isinstance(f, Sort) else None

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_qs"):
            qs = self.queryset.all()
            self.errors  # noqa: B018  (validate: a field that fails is dropped, not an error page)
            for name, value in self.form.cleaned_data.items():
                if name == "sort":
                    continue
                qs = self.filters[name].filter(qs, value)
            sort = self.sort_filter
            if sort is not None:
                qs = sort.filter(qs, self.form.cleaned_data.get("sort", ""))
            self._qs = qs
        return self._qs

    @property
    def values(self) -> Values:
        return Values(self)

    def current_sort(self) -> str:
        sort = self.sort_filter
        return sort.valid(self.form.cleaned_data.get("sort", "")) if sort is not None else ""


class Values:
    """What the filter form shows: the valid value of each filter ("" when absent or refused), and the sort."""

    def __init__(self, fs: FilterSet):
        self._fs = fs

    def __getattr__(self, name: str) -> Any:
        if name == "sort":
            return self._fs.current_sort()
        value = self._fs.form.cleaned_data.get(name)
        return "" if value is None else value

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in self._fs.form.cleaned_data.items() if v not in (None, "")}


# ---- the table --------------------------------------------------------------------------------------------------
def _accessor(path: str) -> Callable[[Any], Any]:
    def get(obj: Any) -> Any:
        for part in path.split("."):
            if obj is None:
                return None
            obj = getattr(obj, part)
            if callable(obj) and not isinstance(obj, type):
                obj = obj()
        return obj

    return get


@dataclass(frozen=True)
class Col:
    """One column: its label, the sort key it orders by ("" = not sortable), and what the export writes — a dotted
    accessor (`enterprise.name`, `get_state_display`) or a function of the row; `page=False` for an export-only
    column, `export=None` for a page-only one (links, buttons)."""

    key: str
    label: Any
    sort: str = ""
    export: str | Callable[[Any], Any] | None = ""
    width: int = 16
    page: bool = True
    header: str = ""  # the export's header when it is not the label in Chinese (a file officials already use)

    def value(self, row: Any) -> Any:
        src = self.export if self.export != "" else self.key
        get = _accessor(src) if isinstance(src, str) else src
        v = get(row) if get is not None else None
        if v is None:
            return ""
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, bool):
            return "是" if v else "否"
        return v if isinstance(v, int | float | str) else (float(v) if hasattr(v, "as_tuple") else str(v))


@dataclass(frozen=True)
class Table:
    columns: Sequence[Col]
    kind: str = "list"  # names the export sheet's schema
    title: str = ""  # the export's title (Chinese: the file officials keep)
    export_order: Sequence[str] = ()  # the export's column order by key, when it is not the page's

    def headers(self, current: str) -> list[dict[str, Any]]:
        """Header cells: label, the sort a click asks for, the arrow."""
        out = []
        for c in self.columns:
            if not c.page:
                continue
            if not c.sort:
                out.append({"label": c.label})
                continue
            active = current.lstrip("-") == c.sort
            desc = current.startswith("-")
            out.append(
                {
                    "label": c.label,
                    "key": c.sort,
                    "next": f"-{c.sort}" if active and not desc else c.sort,
                    "arrow": ("↓" if desc else "↑") if active else "",
                }
            )
        return out

    @property
    def export_columns(self) -> list[Col]:
        cols = [c for c in self.columns if c.export is not None]
        if self.export_order:
            by_key = {c.key: c for c in cols}
            cols = [by_key[k] for k in self.export_order]
        return cols

    def schema(self) -> Schema:
        with translation.override("zh-hans"):
            cols = [Column(c.key, c.header or str(c.label), text, width=c.width) for c in self.export_columns]
        return Schema(kind=self.kind, title=self.title, columns=cols)

    def records(self, rows: Iterable[Any]) -> Iterable[dict[str, Any]]:
        cols = self.export_columns
        with translation.override("zh-hans"):
            for r in rows:
                yield {c.key: c.value(r) for c in cols}


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from .views import xlsx_response as respond

    return respond(content, filename)


def export_response(schema: Schema, records: Iterable[dict[str, Any]], filename: str) -> HttpResponse:
    buf = io.BytesIO()
    schema.write(buf, records)
    return xlsx_response(buf.getvalue(), filename)


PAGE_SIZES = (10, 25, 50, 100)  # what a user may choose (`?per_page=`); the page's own size otherwise


def paginate(request: HttpRequest, qs, size: int | None = None, param: str = "page"):
    """One page of `qs` for `?page=` (or `?<param>=`; a missing, bad or too large number gives the first or last
    page), `?per_page=` rows a page when it is one of PAGE_SIZES."""
    raw = request.GET.get(param, "")
    number = raw if raw.isdigit() and len(raw) <= 9 else 1
    per = request.GET.get("per_page", "") if param == "page" else ""
    size = int(per) if per.isdigit() and int(per) in PAGE_SIZES else size or settings.PARKOS_PAGE_SIZE
    return Paginator(qs, size).get_page(number)


# ---- the page ---------------------------------------------------------------------------------------------------
@dataclass(eq=False)  # a view: hashable by identity (the URL resolver keys on it)
class ListPage:
    """A list page: `queryset(request)` is the scoped selector (404 to refuse the page), `filters` the FilterSet,
    `table` the columns. `context(request, page, filters)` adds what the template needs besides (choices for the
    filter selects, buttons the user may use); `rows(request, page)` decorates the page's rows in bulk (lights,
    labels); `export` is (filename, records function or None) — None exports `table`'s columns of the filtered
    set; a records function (request, queryset) gives another schema's rows (`export_schema`), e.g. the import
    template, so an export can be edited and imported back."""

    name: str
    url: str  # its URL pattern's name ("projects:list"), for links and for the test that walks every list
    queryset: Callable[[HttpRequest], QuerySet]
    filters: type[FilterSet]
    table: Table
    template: str
    partial: str
    export: str | Callable[[HttpRequest], str] | None = (
        None  # the .xlsx filename (or a function of the request)
    )
    export_schema: Schema | Callable[[HttpRequest], Schema] | None = None
    export_records: Callable[[HttpRequest, QuerySet], Iterable[dict[str, Any]]] | None = None
    context: Callable[[HttpRequest, Any, FilterSet], dict[str, Any]] | None = None
    rows: Callable[[HttpRequest, Any], None] | None = None
    page_size: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    staff_only: bool = False  # a page for the zone's officials: an enterprise user is answered 404
    personal: bool = (
        False  # its export carries personal data (names, phones): each export goes into the security log
    )
    public: bool = False  # anyone may open it without logging in (published results); its queryset is public

    def __post_init__(self) -> None:
        from . import registries

        registries.list_pages.register(self)

    @property
    def key(self) -> str:
        return self.name

    def __call__(
        self, request: HttpRequest, *args: Any, extra_context: dict[str, Any] | None = None, **kwargs: Any
    ) -> HttpResponse:
        """The page (GET); a view that also takes a form's POST calls it with the bound form in `extra_context`."""
        if not request.user.is_authenticated and not self.public:
            return redirect_to_login(request.get_full_path())
        if self.staff_only and getattr(request.user, "is_enterprise_user", False):
            raise Http404
        base = self.queryset(request, *args, **kwargs)
        if isinstance(base, QuerySet):
            fs = self.filters(request.GET, queryset=base, request=request)
            qs = fs.qs
        else:  # a computed list (the 亩均 levers' rows): paginated and exported as it is
            from django.contrib.contenttypes.models import ContentType

            fs = self.filters(request.GET, queryset=ContentType.objects.none(), request=request)
            qs = base
        if request.GET.get("export") == "xlsx":
            if self.export is None:
                raise Http404
            name = self.export(request) if callable(self.export) else self.export
            if self.personal:
                from . import security
                from .models import SecurityEvent

                security.record(
                    SecurityEvent.Kind.PERSONAL_EXPORT,
                    request=request,
                    detail=f"{name} {request.GET.urlencode()}",
                )
            if self.export_records is not None:
                schema = self.export_schema(request) if callable(self.export_schema) else self.export_schema
                return export_response(schema or self.table.schema(), self.export_records(request, qs), name)
            rows = list(qs[:MAX_EXPORT])
            if self.rows is not None:
                self.rows(request, rows)
            return export_response(self.table.schema(), self.table.records(rows), name)
        page = paginate(request, qs, self.page_size)
        if self.rows is not None:
            self.rows(request, page)
        ctx: dict[str, Any] = {
            "page": page,
            "filters": fs.values,
            "filterset": fs,
            "headers": self.table.headers(fs.current_sort()),
            "list_page": self,
            **self.extra,
        }
        if self.context is not None:
            ctx.update(self.context(request, page, fs))
        ctx.update(extra_context or {})
        htmx = request.headers.get("HX-Request") == "true"
        return render(request, self.partial if htmx else self.template, ctx)


def list_with_form(
    request: HttpRequest,
    page: ListPage,
    *,
    form_class: Callable[[Any], Any],
    save: Callable[[dict[str, Any]], Any],
    success: Any,
    then: str | Callable[[Any], Any],
) -> HttpResponse:
    """A list page with a form beside it (log a visit, issue a card, record an event, plan a meeting): GET shows
    the list; a valid POST calls `save(cleaned_data)` (a service), says `success` and redirects to `then` (a URL
    name, or a function of what `save` returned); an invalid one shows the list with the form's errors."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from .exceptions import ParkOSError
    from .views import service_errors

    if request.method != "POST":
        return page(request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, success)
            return redirect(then(result)) if callable(then) else redirect(then)
    return page(request, extra_context={"form": form})
