import datetime as dt
from types import SimpleNamespace

from django import forms
from django.conf import settings
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


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(label=_("Excel file"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class CalendarDayForm(forms.Form):
    """Set a day as working or off (`set`), or give it back to the published schedule (`delete`)."""

    action = forms.ChoiceField(choices=[("set", "set"), ("delete", "delete")], widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"))
    is_working = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[("0", _("Day off")), ("1", _("Working day"))],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=False,
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


def _date_lines(text: str) -> list[dt.date]:
    """Dates as a notice lists them, one entry a line: 2027-02-05, or a range 2027-02-05~2027-02-11 (also 至, -
    between two dates, —); words after the dates (春节) are ignored."""
    import re

    out: list[dt.date] = []
    for n, line in enumerate(text.splitlines(), start=1):
        found = re.findall(r"\d{4}-\d{1,2}-\d{1,2}", line)
        if not found:
            if line.strip():
                raise forms.ValidationError(
                    _("line %(n)s: “%(line)s” holds no date (YYYY-MM-DD)")
                    % {"n": n, "line": line.strip()[:40]}
                )
            continue
        try:
            days = [dt.date.fromisoformat("-".join(f"{int(x):02d}" for x in d.split("-"))) for d in found[:2]]
        except ValueError:
            raise forms.ValidationError(_("line %(n)s: not a real date") % {"n": n}) from None
        first, last = days[0], days[-1]
        if last < first or (last - first).days > 31:
            raise forms.ValidationError(
                _("line %(n)s: the range runs backwards or is over a month") % {"n": n}
            )
        out += [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    return out


class CalendarNoticeForm(forms.Form):
    """A year's State Council notice: its days off and its 调休 working days, as dates or ranges, one a line."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("Notice"), max_length=200, required=False)
    days_off = forms.CharField(
        label=_("Days off"),
        widget=forms.Textarea(
            attrs={"rows": 7, "placeholder": "2027-01-01 元旦\n2027-02-05~2027-02-11 春节"}
        ),
    )
    working_days = forms.CharField(
        label=_("Adjusted working days (调休)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027-02-14\n2027-02-20"}),
    )

    def clean_days_off(self) -> list[dt.date]:
        return _date_lines(self.cleaned_data["days_off"])

    def clean_working_days(self) -> list[dt.date]:
        return _date_lines(self.cleaned_data.get("working_days") or "")


class WorkingDaysForm(forms.Form):
    """The calculator: the date `n` working days after `start`."""

    start = forms.DateField(label=_("Start"))
    n = forms.IntegerField(label=_("Working days"), min_value=-3650, max_value=3650)


class LanguageForm(forms.Form):
    """The interface language a user picks (header or login page)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    scope = forms.ChoiceField(
        label=_("May"), choices=[("read", _("Read only")), ("write", _("Read and write"))], initial="read"
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[(d, _("%(n)s days") % {"n": d}) for d in (30, 90, 180, 365)],
        coerce=int,
        initial=90,
    )


class CapabilityGrantForm(forms.Form):
    """Grant an office's power to a department or one user, or take a grant back (`revoke`)."""

    revoke = forms.IntegerField(required=False, widget=forms.HiddenInput)
    capability = forms.CharField(label=_("Office"), max_length=60, required=False)
    department = forms.IntegerField(label=_("Department"), required=False)
    user = forms.IntegerField(label=_("or one user"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MarkReadForm(forms.Form):
    notice = IdList(required=False)
    all = forms.BooleanField(required=False)


class MonthField(forms.DateField):
    """A month as `YYYY-MM` (the first day of it)."""

    input_formats = ["%Y-%m"]

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class QueryParams(forms.Form):
    """A report page's query parameters (year, month, grouping, `export=xlsx` …): each field the query leaves out or
    gets wrong falls back to the default the view gives (`of(request, year=2026)`) — a bookmark with a bad year still
    opens the page, never a 500. Subclasses declare the fields."""

    export = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx")], required=False)

    @classmethod
    def of(cls, request, **defaults) -> SimpleNamespace:
        form = cls(request.GET)
        form.is_valid()
        values = {}
        for name in form.fields:
            v = None if name in form.errors else form.cleaned_data.get(name)
            values[name] = defaults.get(name) if v in (None, "", []) else v
        return SimpleNamespace(**values)


class YearParams(QueryParams):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class MonthParams(QueryParams):
    month = MonthField(required=False)


class ImportParams(QueryParams):
    kind = forms.CharField(
        required=False, max_length=60
    )  # the import chosen in advance (a page's “import …” link)


class DigestParams(forms.Form):
    day = forms.DateField(required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each one's size and kind."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AttachmentForm(forms.Form):
    """Files added to a record from its page (the files themselves are read from request.FILES)."""

    target = forms.CharField(max_length=40, widget=forms.HiddenInput)
    target_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    files = MultipleFileField(label=_("Attachments"), required=False)
