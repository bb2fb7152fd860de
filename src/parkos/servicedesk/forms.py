from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import MultipleFileField, MultipleFileInput, style_widgets
from parkos.core.models import Department, Role, User
from parkos.enterprises.models import Enterprise

from .models import Category, Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


def staff_users():
    return User.objects.filter(is_active=True, role__in=[Role.DEPT_STAFF, Role.DEPT_ADMIN]).order_by(
        "department__code", "username"
    )


class RequestForm(Styled):
    enterprise_uscc = forms.CharField(label=_("Enterprise (USCC)"), max_length=18, required=False)
    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[c for c in Channel.choices if c[0] != Channel.CARD],
        initial=Channel.VISIT,
        required=False,
    )
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.all())
    title = forms.CharField(label=_("request title"), max_length=120)
    text = forms.CharField(label=_("request"), widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(label=_("contact"), max_length=60, required=False)
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
        help_text=_("PDF, OFD, images, Word, Excel or ZIP (photos of the site, letters, drawings)."),
    )

    def __init__(self, *args, enterprise_user: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise_user:
            del self.fields["enterprise_uscc"]
            del self.fields["channel"]

    def clean_enterprise_uscc(self):
        code = self.cleaned_data.get("enterprise_uscc", "").strip().upper()
        ent = Enterprise.objects.filter(uscc=code).first() if code else None
        if ent is None:
            raise forms.ValidationError(_("No enterprise with this USCC in the registry."))
        return ent


class DispatchForm(Styled):
    department = forms.ModelChoiceField(label=_("lead department"), queryset=Department.objects.all())
    co_departments = forms.ModelMultipleChoiceField(
        label=_("co-departments"), queryset=Department.objects.all(), required=False
    )
    officer = forms.ModelChoiceField(label=_("service officer"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = staff_users()


class NoteForm(Styled):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RevisitForm(Styled):
    satisfied = forms.TypedChoiceField(
        label=_("the enterprise is"),
        choices=[("1", _("Satisfied")), ("0", _("Dissatisfied"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("revisit"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(Styled):
    enterprise_uscc = forms.CharField(label=_("Enterprise (USCC)"), max_length=18)
    on = forms.DateField(label=_("date"), widget=DATE)
    officials = forms.CharField(label=_("officials"), max_length=200)
    topics = forms.CharField(label=_("topics"), widget=forms.Textarea(attrs={"rows": 2}))

    clean_enterprise_uscc = RequestForm.clean_enterprise_uscc


class CardForm(Styled):
    enterprise_uscc = forms.CharField(label=_("Enterprise (USCC)"), max_length=18)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    officer = forms.ModelChoiceField(label=_("service officer"), queryset=User.objects.none())
    number = forms.CharField(
        label=_("card number"), max_length=20, required=False, help_text=_("empty: the next number")
    )

    clean_enterprise_uscc = RequestForm.clean_enterprise_uscc

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = staff_users()


class InviteForm(Styled):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=60)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)


class CategoryForm(forms.Form):
    """A request category's row on the settings page (`category`: which one; a new one without it). Only the
    fields the post carries are changed."""

    category = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("code"), max_length=20, required=False)
    name = forms.CharField(label=_("name"), max_length=40, required=False)
    close_wd = forms.IntegerField(
        label=_("close within (working days)"), min_value=1, max_value=365, required=False
    )
    card_close_wd = forms.IntegerField(
        label=_("card holders: close within (working days)"), min_value=1, max_value=365, required=False
    )
    department = forms.ModelChoiceField(
        Department.objects.all(), label=_("default department"), required=False
    )
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=999, required=False)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "category" and k in self.data}


class VisitRefForm(forms.Form):
    """The visit a request is raised in (`?visit=` on the way in, a hidden field on the way back)."""

    visit = forms.IntegerField(required=False, min_value=1)
