"""One place for the zone's settings: every app declares its section as a form (the fields, their labels, limits
and defaults), and the values live in one table (`core.ZoneSettings`, a row per section, with its history).

    class ServiceConfig(zone_settings.Section):
        key = "servicedesk"
        first_response_wd = forms.IntegerField(label=_("first response within (working days)"), min_value=0, initial=1)

    ServiceConfig.get().first_response_wd           # the value, or the default: a read never writes
    ServiceConfig.save_values(user=…, data={…})      # validated by the form, audited, the cache refreshed

Reads are cached (the shared cache: Redis or files in production) and the cache entry is dropped on every save,
so a changed setting is seen by every process at once. A section names the capability of the office that owns it
(`capability`); only system administrators and that office's administrators change it (`may_change`); a section
naming none is the system administrators' alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import Forbidden, Invalid

_TTL = 3600


class Values:
    """A section's current values as attributes (read-only)."""

    def __init__(self, section: type[Section], values: dict[str, Any], version: int):
        self.__dict__.update(values)
        self._section, self.version = section, version

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._section.base_fields}

    def __getattr__(self, name: str) -> Any:  # the section's fields (set in __init__); for the type checker
        raise AttributeError(name)


def _json(v: Any) -> Any:
    return str(v) if isinstance(v, Decimal) else v


class Section(forms.Form):
    """A section of the zone's settings: its form fields are the settings, their `initial` the defaults."""

    key: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    capability: ClassVar[str] = (
        ""  # the office whose administrators change the section (besides system admins)
    )
    registry: ClassVar[dict[str, type[Section]]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.key:
            Section.registry[cls.key] = cls

    @classmethod
    def may_change(cls, user) -> bool:
        """System administrators, and the administrators of the office holding the section's capability."""
        from . import capabilities

        if cls.capability:
            return capabilities.acts(user, cls.capability, "configure")
        return capabilities.is_system_admin(user)

    @classmethod
    def _cache_key(cls) -> str:
        return f"parkos:settings:{cls.key}"

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {name: f.initial for name, f in cls.base_fields.items()}

    @classmethod
    def _read(cls) -> tuple[dict[str, Any], int]:
        from .models import ZoneSettings

        row = ZoneSettings.objects.filter(section=cls.key).first()
        stored = row.values if row is not None else {}
        values = cls.defaults()
        for name, f in cls.base_fields.items():
            if name in stored:
                try:
                    values[name] = f.to_python(stored[name])
                except forms.ValidationError:  # a value an older version stored: the default stands
                    pass
        return values, row.version if row is not None else 0

    @classmethod
    def get(cls) -> Values:
        hit = cache.get(cls._cache_key())
        if hit is None:
            hit = cls._read()
            cache.set(cls._cache_key(), hit, _TTL)
        values, version = hit
        return Values(cls, values, version)

    @classmethod
    def bound_form(cls, data=None, *, partial: bool = False) -> Section:
        """The settings page's form: bound to `data`, or showing the current values. `partial`: a field the
        post leaves out keeps its current value (a page that edits only some of the section)."""
        current = cls.get().as_dict()
        if data is None:
            return cls(initial=current)
        if partial:
            data = {
                **{k: _form_value(v) for k, v in current.items()},
                **{k: data[k] for k in data if k in cls.base_fields},
            }
        return cls(data, initial=current)

    @classmethod
    @transaction.atomic
    def save_values(cls, *, user, data: dict[str, Any], version: int | None = None) -> Values:
        """Change some settings of the section (the others keep their values); refused unless `may_change`."""
        from .models import ZoneSettings, audited

        if not cls.may_change(user):
            raise Forbidden(_("You may not change the %(section)s.") % {"section": cls.label})
        current = cls.get().as_dict()
        merged = {**current, **{k: v for k, v in data.items() if k in cls.base_fields}}
        form = cls(data={k: _form_value(v) for k, v in merged.items()})
        if not form.is_valid():
            raise Invalid(
                _("Please correct the errors below."),
                fields={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        row, _created = ZoneSettings.objects.select_for_update().get_or_create(section=cls.key)
        if version is not None and version != row.version:
            from .services import check_version

            check_version(row, version)
        row.values = {k: _json(v) for k, v in form.cleaned_data.items()}
        row.version += 1
        audited(row, user)
        row.save()
        transaction.on_commit(lambda: cache.delete(cls._cache_key()))
        cache.delete(cls._cache_key())
        return cls.get()


def _form_value(v: Any) -> Any:
    if isinstance(v, bool):
        return "on" if v else ""
    return "" if v is None else v


def section(key: str) -> type[Section]:
    return Section.registry[key]
