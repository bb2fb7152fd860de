"""What every app's API shares: page-number pagination with a page size, and labels beside stored codes."""

import decimal
import typing
from typing import Annotated, Any

from django.db.models import ForeignKey
from ninja import Field, Schema
from ninja.orm.metaclass import ModelSchemaMetaclass
from ninja.pagination import PageNumberPagination
from pydantic import model_validator


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
    """The queryset with the rows whose names `schema` shows joined in (one query, whatever the page size)."""
    fields = RELATED.get(schema, ())
    return queryset.select_related(*fields) if fields else queryset


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
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if fks:
            RELATED[cls] = tuple(fks)
        return cls
