from django import forms
from django.utils.translation import gettext_lazy as _

from .industries import normalize
from .models import Contact, Enterprise, LandParcel


class EnterpriseForm(forms.ModelForm):
    """Create/edit form; `version` carries the version the user read, for the concurrent-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    industry_code = forms.CharField(label=_("industry code"), max_length=5, required=False)  # allows "C3514"

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "former_names",
            "legal_representative",
            "registered_capital",
            "established_on",
            "industry_code",
            "park",
            "address",
            "is_above_scale",
            "is_high_tech",
            "srdi_level",
            "top500_kind",
            "is_foreign_funded",
            "is_listing_reserve",
            "is_headquarters",
            "status",
            "tags",
            "owner",
        ]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"industry_code": _("GB/T 4754-2017, e.g. 3511 or C3511")}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["uscc"].disabled = True
        for name, f in self.fields.items():
            css = (
                "form-check-input"
                if isinstance(f.widget, forms.CheckboxInput)
                else ("form-select" if isinstance(f.widget, forms.Select) else "form-control")
            )
            f.widget.attrs.setdefault("class", css)
            if name == "uscc":
                f.widget.attrs["maxlength"] = 18

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


class _Styled:
    def style(self) -> None:
        for f in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(f.widget, forms.CheckboxInput)
                else ("form-select" if isinstance(f.widget, forms.Select) else "form-control")
            )
            f.widget.attrs.setdefault("class", css)


class LandParcelForm(_Styled, forms.ModelForm):
    class Meta:
        model = LandParcel
        fields = ["certificate_no", "area_mu", "purpose", "tenure", "location"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class ContactForm(_Styled, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
