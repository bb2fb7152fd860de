"""The work plan's small forms: assignment, progress reports, milestones, instructions and answers, the plan's
year on import, the keyword rules and the office's settings. Views parse with these and call one service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import MultipleFileField, MultipleFileInput, QueryParams
from parkos.core.models import Department

from .models import WorkplanConfig


class AssignParams(QueryParams):
    only = forms.ChoiceField(choices=[("", ""), ("unassigned", "unassigned")], required=False)


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(Department.objects.all(), label=_("Lead department"), required=False)
    co = forms.ModelMultipleChoiceField(Department.objects.all(), label=_("Co-departments"), required=False)
    deadline = forms.DateField(label=_("Completion deadline"), required=False)
    responsible = forms.CharField(label=_("Responsible official"), max_length=100, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), required=False)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    on = forms.DateField(label=_("Date"), required=False)
    attachment = MultipleFileField(
        label=_("attachment"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
    )


class MilestoneForm(forms.Form):
    """A new milestone (due date and target), or `done`: the milestone marked done."""

    done = forms.IntegerField(required=False, widget=forms.HiddenInput)
    due = forms.DateField(label=_("Due"), required=False)
    target = forms.CharField(label=_("Milestone target"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("done") and not data.get("due") and "due" not in self.errors:
            self.add_error("due", _("This field is required."))
        return data


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("Instruction"), required=False)


class InstructionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), required=False)


class PlanYearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class KeywordRuleForm(forms.Form):
    """A keyword rule (keyword → suggested lead department), or `delete`: the rule taken away."""

    delete = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keyword = forms.CharField(label=_("keyword"), max_length=40, required=False)
    department = forms.ModelChoiceField(Department.objects.all(), label=_("department"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("delete") and not data.get("department") and "department" not in self.errors:
            self.add_error("department", _("Choose a department."))
        return data


def settings_form(data=None):
    """The office's settings (lag margin, reminder days): a section of the zone's settings, edited in part."""
    return WorkplanConfig.bound_form(data, partial=True)
