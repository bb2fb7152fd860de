from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, User


class IdList(forms.Field):
    """The ids of the rows ticked in a list (checkboxes sharing one name): whole numbers, none required."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(v) for v in value or [] if str(v).strip()]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose rows from the list.")) from None


class NoteForm(forms.Form):
    """A button that takes an optional note (withdraw, send back, close …)."""

    note = forms.CharField(label=_("note"), required=False)


def style_widgets(form: forms.BaseForm) -> None:
    """Tabler/Bootstrap classes on every widget of a form."""
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(f.widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        f.widget.attrs.setdefault("class", css)


class UserForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("role"))
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.all(), required=False
    )
    enterprise_uscc = forms.CharField(
        label=_("Enterprise (USCC)"), max_length=18, required=False, help_text=_("for enterprise users")
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("at least 8 characters; leave empty to keep the current one"),
    )

    def __init__(self, *args, roles, departments, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["department"].queryset = departments
        if editing:
            self.fields["username"].disabled = True
        style_widgets(self)

    @staticmethod
    def initial_for(user: User) -> dict:
        account = getattr(user, "enterprise_account", None)
        return {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "department": user.department_id,
            "is_active": user.is_active,
            "enterprise_uscc": account.enterprise.uscc if account else "",
        }
