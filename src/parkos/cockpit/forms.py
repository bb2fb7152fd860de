from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import QueryParams, YearParams

from .selectors import PEER_SETS


class EvaluationParams(YearParams):
    peers = forms.ChoiceField(choices=[(k, k) for k in PEER_SETS], required=False)


class ReportParams(YearParams):
    """The 月报's month (`?year=2026&month=2`) and `export=docx` for the 公文."""

    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    export = forms.ChoiceField(choices=[("", ""), ("docx", "docx")], required=False)


class ScreenParams(QueryParams):
    """The big screen's pace: reload the figures every `refresh` seconds, turn the detail panel every `rotate`."""

    refresh = forms.IntegerField(required=False, min_value=30, max_value=3600)
    rotate = forms.IntegerField(required=False, min_value=3, max_value=300)


class MapParams(YearParams):
    """The map's figure (a cockpit tile that splits by park) and its layer of points."""

    figure = forms.CharField(required=False, max_length=60)
    layer = forms.ChoiceField(choices=[("", ""), ("efficiency", ""), ("projects", "")], required=False)


class BoundaryForm(forms.Form):
    """A GeoJSON file of park outlines (a FeatureCollection; each feature names its park by `code` or `name`)."""

    file = forms.FileField(label=_("GeoJSON file"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return f


class ZoneValuesForm(forms.Form):
    """One value and one source note per indicator (empty: ParkOS's figure counts), and the stamp of what the
    form was drawn from."""

    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for i in self.indicators:
            self.fields[f"value_{i.pk}"] = forms.DecimalField(
                label=i.name, required=False, max_digits=20, decimal_places=4
            )
            self.fields[f"note_{i.pk}"] = forms.CharField(
                label=_("source note"), required=False, max_length=200
            )

    def values(self) -> dict[int, Decimal | None]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.indicators}

    def notes(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(f"note_{i.pk}") or "" for i in self.indicators}


class SearchParams(QueryParams):
    """`/search/?q=…&kind=…` (the header's dropdown adds `dropdown=1`); the term is trimmed to 50 characters by
    `core.search.normalize`."""

    q = forms.CharField(required=False, max_length=1000)
    kind = forms.SlugField(required=False, max_length=30)
    dropdown = forms.BooleanField(required=False)


class TargetsForm(forms.Form):
    """The year's targets: one amount per figure that takes one, for the zone and (where the figure splits by park)
    each park; empty removes the target. `stamp` is what the form was drawn from."""

    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tiles=(), parks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[str, int | None, str]] = []
        for t in tiles:
            for park in [None, *([p.pk for p in parks] if t.park_target else [])]:
                name = self.field_name(t.key, park)
                self.fields[name] = forms.DecimalField(
                    label=t.label, required=False, min_value=0, max_digits=18, decimal_places=2
                )
                self.cells.append((t.key, park, name))

    @staticmethod
    def field_name(key: str, park: int | None) -> str:
        return f"t_{key.replace('.', '_')}_{park or 0}"

    def values(self) -> dict[tuple[str, int | None], Decimal | None]:
        return {(key, park): self.cleaned_data.get(name) for key, park, name in self.cells}
