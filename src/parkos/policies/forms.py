import json

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import IdList, MultipleFileField, MultipleFileInput, style_widgets

from .models import Clause, Policy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Policy
        fields = ["title", "issuer", "level", "doc_number", "valid_from", "valid_to", "department", "summary"]
        widgets = {"valid_from": DATE, "valid_to": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class JSONText(forms.CharField):
    """JSON typed as text: parsed here, checked against the rule format by the service (never executed)."""

    widget = forms.Textarea(attrs={"rows": 6, "class": "form-control font-monospace"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(err)s") % {"err": exc}) from None

    def prepare_value(self, value):
        return (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, indent=1)
            if value
            else ""
        )


class ClauseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rule = JSONText(
        label=_("eligibility rule"),
        help_text=_(
            "Written by the conditions above; edit it here only for nested groups (all / any / not)."
        ),
    )
    support = JSONText(
        label=_("support"),
        required=False,
        help_text=_(
            '{"type": "fixed", "amount": 20} or {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50}'
        ),
    )

    class Meta:
        model = Clause
        fields = ["number", "title", "text", "rule", "support", "auto_grant", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ApplyForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount applied for (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"placeholder": _("amount applied for (10k yuan)")}),
    )
    materials = MultipleFileField(
        label=_("materials"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 1, "placeholder": _("note")})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReviewForm(forms.Form):
    application = forms.IntegerField(label=_("application"))
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("review"), required=False)


class GrantsApproveForm(forms.Form):
    grant = IdList(label=_("grants"), required=False)


class GrantCancelForm(forms.Form):
    grant_id = forms.IntegerField(label=_("grant"))
    reason = forms.CharField(label=_("reason for cancelling"), required=False)


class DisburseForm(forms.Form):
    grant_id = forms.IntegerField(label=_("grant"))
    voucher = forms.CharField(label=_("payment voucher"), max_length=60, required=False)
