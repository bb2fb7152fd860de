from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import YearParams

from .selectors import PEER_SETS


class EvaluationParams(YearParams):
    peers = forms.ChoiceField(choices=[(k, k) for k in PEER_SETS], required=False)


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
