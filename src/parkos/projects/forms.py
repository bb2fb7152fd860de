from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import MultipleFileField, MultipleFileInput, QueryParams, style_widgets
from parkos.core.models import Department, Role, User
from parkos.enterprises.models import Enterprise

from .models import (
    FLOW_FIELDS,
    ITEM_FIELDS,
    PROJECT_FIELDS,
    ApprovalItem,
    FlowTemplate,
    Handover,
    Milestone,
    Project,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    """Create/edit a project; the investor is named by USCC (register a new enterprise first if needed)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    investor_uscc = forms.CharField(
        label=_("Investor (USCC)"),
        max_length=18,
        help_text=_("An enterprise of the registry; register a new investor there first."),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "registered_on": DATE,
            "approved_on": DATE,
            "agreed_start_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["investor_uscc"].initial = self.instance.investor.uscc
        self.fields["helper"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.DEPT_STAFF, Role.DEPT_ADMIN]
        ).order_by("department__code", "username")
        self.fields["land_parcel"].queryset = (
            self.instance.investor.land_parcels.all()
            if self.instance.pk
            else self.fields["land_parcel"].queryset.none()
        )
        if user is not None and not user.is_zone_wide:
            self.fields["lead_department"].queryset = Department.objects.filter(pk=user.department_id)
        style_widgets(self)

    def clean_investor_uscc(self):
        code = (self.cleaned_data.get("investor_uscc") or "").strip().upper()
        ent = Enterprise.objects.filter(uscc=code).first()
        if ent is None:
            raise forms.ValidationError(_("No enterprise with this USCC is registered."))
        return ent


class MilestonePlanForm(forms.Form):
    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Milestone.Kind.choices:
            self.fields[kind] = forms.DateField(label=label, required=False, widget=DATE)
        if project is not None and not self.is_bound:
            for m in project.milestones.all():
                self.initial[m.kind] = m.planned_on
        style_widgets(self)


class TransitionForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MonthlyReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    investment = forms.DecimalField(
        label=_("Investment completed, physical progress (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
    )
    funds = forms.DecimalField(
        label=_("Funds in place (10k yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    fai = forms.DecimalField(
        label=_("Investment reported to statistics (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("统计入库口径，与形象进度投资分开填报"),
    )
    capital = forms.DecimalField(
        label=_("Project capital paid in (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    output_value = forms.DecimalField(
        label=_("Output value (10k yuan)"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    problems = forms.CharField(label=_("Problems"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class YearPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    investment = forms.DecimalField(
        label=_("Planned investment (10k yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    funds = forms.DecimalField(
        label=_("Planned funds in place (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    fai_target = forms.DecimalField(
        label=_("Fixed-asset investment target, statistics (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    is_continuing = forms.BooleanField(label=_("Continuing project this year (续建)"), required=False)
    resumed_on = forms.DateField(label=_("Construction resumed on (复工)"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner department"), queryset=Department.objects.all())
    due_wd = forms.IntegerField(label=_("Due in (working days)"), min_value=1, max_value=250, initial=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
    close = forms.BooleanField(label=_("Solved: close it"), required=False)


class HandoverForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = ["direction", "item", "documents", "counterpart"]

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            project.items.select_related("item") if project else self.fields["item"].queryset.none()
        )
        self.fields["item"].label_from_instance = lambda i: i.item.name
        style_widgets(self)


class AuthorizationForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    signatory = forms.CharField(label=_("Signed by"), max_length=60)
    scope = forms.CharField(label=_("Scope"), max_length=300, required=False)
    file = MultipleFileField(
        label=_("Scan"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ApprovalsStartForm(forms.Form):
    """Lay out a project's approval stages, from a flow template or (none chosen) the catalogue's default."""

    flow = forms.ModelChoiceField(FlowTemplate.objects.all(), label=_("flow template"), required=False)


class ItemActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note or notice"), max_length=500, required=False)
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=250, required=False)
    approved_by = forms.CharField(label=_("Approved by"), max_length=60, required=False)
    until = forms.DateField(label=_("Expected until"), required=False, widget=DATE)
    text_version = forms.CharField(label=_("Commitment text version"), max_length=40, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FlowForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FlowTemplate
        fields = [*FLOW_FIELDS, "items"]
        widgets = {"items": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["items"].widget.attrs["class"] = "form-check-input"


class ApprovalItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ApprovalItem
        fields = ITEM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ItemActionParams(QueryParams):
    action = forms.CharField(required=False, max_length=30)  # which action's form the board opens


class QueueParams(QueryParams):
    # a zone-wide user looks at a 帮代办 officer's queue
    officer = forms.IntegerField(required=False, min_value=1)


class PeriodParams(QueryParams):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class RatesParams(QueryParams):
    by = forms.CharField(required=False, max_length=20)
    metric = forms.CharField(required=False, max_length=40)
    group = forms.CharField(required=False, max_length=100)
