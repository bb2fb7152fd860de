from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import style_widgets

from .industries import normalize
from .models import ENTERPRISE_FIELDS, Contact, Enterprise, LandParcel


class EnterpriseForm(forms.ModelForm):
    """Create/edit form; `version` carries the version the user read, for the concurrent-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    industry_code = forms.CharField(label=_("industry code"), max_length=5, required=False)  # allows "C3514"

    class Meta:
        model = Enterprise
        fields = ["uscc", *ENTERPRISE_FIELDS]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"industry_code": _("GB/T 4754-2017, e.g. 3511 or C3511")}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["uscc"].disabled = True
        style_widgets(self)
        self.fields["uscc"].widget.attrs["maxlength"] = 18

    def clean_industry_code(self) -> str:
        code = self.cleaned_data.get("industry_code") or ""
        if not code:
            return ""
        try:
            return normalize(code)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_uscc(self) -> str:
        return (self.cleaned_data.get("uscc") or "").strip().upper()

    def validate_unique(self) -> None:  # the service checks uniqueness and reports it on the field
        pass


class LandParcelForm(forms.ModelForm):
    class Meta:
        model = LandParcel
        fields = ["certificate_no", "area_mu", "purpose", "tenure", "location"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
