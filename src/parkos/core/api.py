"""What every app's API shares: page-number pagination with a page size, and labels beside stored codes."""

import datetime as dt
import decimal
import typing
from typing import Annotated, Any

from django.db.models import ForeignKey, Manager, Model, QuerySet
from django.db.models.fields.files import FieldFile
from ninja import Field, Schema
from ninja.orm.metaclass import ModelSchemaMetaclass
from ninja.pagination import PageNumberPagination
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator


def _numeric(annotation: Any) -> bool:
    """Whether a field takes a number (int, Decimal, float — alone or with None)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is Annotated:
        return _numeric(args[0])
    if args:  # a union
        return any(_numeric(a) for a in args if a is not type(None))
    return annotation in (int, float, decimal.Decimal)


class BodySchema(Schema):
    """The base of every request body: JSON's `true`/`false` is not a number (pydantic would read it as 1/0)."""

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja hands the validators its getter over the parsed JSON
        if isinstance(raw, dict):
            for name, field in cls.model_fields.items():
                if isinstance(raw.get(name), bool) and _numeric(field.annotation):
                    raise ValueError(f"{name}: a number, not true or false")
        return data


class Pages(PageNumberPagination):
    """`?page=N&page_size=M` (M ≤ 500) over a list endpoint."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, PageNumberPagination.Input(page=pagination.page), **params)


# the bounds of a year, month and quarter in every query of the API (the pages' forms use the same)
Year = Annotated[int, Field(ge=1949, le=2100, description="年度（1949–2100）")]
Month = Annotated[int, Field(ge=1, le=12, description="月份（1–12）")]
Quarter = Annotated[int, Field(ge=1, le=4, description="季度（1–4）")]


def _choice_label(name: str):
    def resolve(obj) -> str:
        return str(getattr(obj, f"get_{name}_display")()) if getattr(obj, name, "") not in (None, "") else ""

    return staticmethod(resolve)


def _related_name(name: str):
    def resolve(obj) -> str | None:
        related = getattr(obj, name, None)
        return None if related is None else str(related)

    return staticmethod(resolve)


RELATED: dict[type, tuple[str, ...]] = {}  # schema → the foreign keys whose names it shows


def related(queryset, schema: type):
    """The queryset with the rows whose names `schema` shows joined in (one query, whatever the page size) — but
    those it already knows (a record's rows read through it) are not joined again."""
    known = {f.name for f in getattr(queryset, "_known_related_objects", {})}
    fields = [f for f in RELATED.get(schema, ()) if f not in known]
    return queryset.select_related(*fields) if fields else queryset


_MISSING = object()
_AS_IS = {str, int, float, bool, type(None), decimal.Decimal, dt.date, dt.datetime, dt.time}


def _plain(value: Any) -> Any:
    """What ninja's getter makes of an attribute: a manager or queryset becomes its list, a method its result, a
    file its address (None when empty)."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Manager):
        return list(value.all())
    if isinstance(value, QuerySet):
        return list(value)
    if callable(value):
        return value()
    if isinstance(value, FieldFile):
        return value.url if value else None
    return value


def _reader(key: str, resolver: Any) -> Any:
    """A function reading one field of an output schema off a record: its resolver, a dotted path (`park.name`,
    missing when a step is None) or an attribute."""
    if resolver is not None:
        if resolver._takes_context:
            return lambda obj, context: resolver._func(obj, context=context)
        return lambda obj, context: resolver._func(obj)
    steps = key.split(".")
    if len(steps) == 1:

        def attribute(obj, context):
            value = getattr(obj, key, _MISSING)
            return value if type(value) in _AS_IS else _plain(value)

        return attribute

    def dotted(obj, context):
        for step in steps:
            if obj is None:
                return _MISSING
            obj = getattr(obj, step, _MISSING)
            if obj is _MISSING:
                return _MISSING
        return _plain(obj)

    return dotted


@model_validator(mode="wrap")
@classmethod  # type: ignore[misc]
def _read_record(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
    """Validate a record as ninja does — every field by its alias, through its resolver — but from a plain dict
    built in one pass: ninja's getter costs several attribute lookups per field, which on a page of records was
    a third of an API read's time. Anything but a model instance goes the usual way."""
    if not isinstance(values, Model):
        return handler(DjangoGetter(values, cls, info.context))
    readers = cls.__dict__.get("_readers")
    if readers is None:
        readers = [
            (f.alias or name, _reader(f.alias or name, cls._ninja_resolvers.get(f.alias or name)))
            for name, f in cls.model_fields.items()
        ]
        cls._readers = readers
    row = {}
    for key, read in readers:
        value = read(values, info.context)
        if value is not _MISSING:
            row[key] = value
    return handler(row)


class Labelled(ModelSchemaMetaclass):
    """The metaclass of every output schema over a model: beside each coded field it adds what an official reads —
    `<field>_label` (the choice's translated label) for a field with choices and `<field>_name` (the record's
    name) for a foreign key, unless the schema declares them itself. The handler selects the related rows."""

    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any):
        meta = namespace.get("Meta")
        model = getattr(meta, "model", None)
        fks: list[str] = []
        if model is not None:
            annotations = namespace.setdefault("__annotations__", {})
            for fname in getattr(meta, "fields", None) or []:
                field = model._meta.get_field(fname)
                if field.choices and f"{fname}_label" not in annotations:
                    annotations[f"{fname}_label"] = str
                    namespace[f"{fname}_label"] = Field("", description=f"{field.verbose_name}（显示名称）")
                    namespace[f"resolve_{fname}_label"] = _choice_label(fname)
                elif isinstance(field, ForeignKey):
                    fks.append(fname)
                    if f"{fname}_name" in annotations:
                        continue
                    annotations[f"{fname}_name"] = str | None
                    namespace[f"{fname}_name"] = Field(None, description=f"{field.verbose_name}（名称）")
                    namespace[f"resolve_{fname}_name"] = _related_name(fname)
        namespace["_run_root_validator"] = _read_record
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if fks:
            RELATED[cls] = tuple(fks)
        return cls
