from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import MultipleFileField, MultipleFileInput, YearParams, style_widgets

from .models import BAD_REASONS, FOLLOWUP_LEVELS, BadRatingCase, Level

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RateForm(Styled):
    level = forms.TypedChoiceField(
        label=_("rating"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label=_("reasons (for a bad rating)"),
        choices=[(r, r) for r in BAD_REASONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseActionForm(Styled):
    action = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("date"), widget=DATE, required=False)
    method = forms.CharField(label=_("contact method"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("classification"), choices=[("", "—"), *BadRatingCase.Kind.choices], required=False
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = MultipleFileField(
        label=_("evidence"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
    )
    level = forms.TypedChoiceField(
        label=_("follow-up rating"),
        choices=[("", "—"), *((v, label) for v, label in Level.choices if v in FOLLOWUP_LEVELS)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RatingsParams(YearParams):
    by = forms.CharField(required=False, max_length=20)  # the grouping (department, category …)
