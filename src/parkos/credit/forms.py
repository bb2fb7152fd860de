from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.files import accepted
from parkos.core.forms import MultipleFileField, MultipleFileInput, QueryParams, style_widgets

from .models import Conflict, InspectionItem, RecordKind, Result, Severity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class UsccField(forms.CharField):
    """An enterprise of the registry by its USCC (what officials type), cleaned to its id."""

    def __init__(self, **kw):
        kw.setdefault("max_length", 18)
        kw.setdefault("label", _("USCC"))
        super().__init__(**kw)

    def clean(self, value):
        from parkos.enterprises.models import Enterprise

        code = super().clean(value).strip().upper()
        pk = Enterprise.objects.filter(uscc=code).values_list("pk", flat=True).first()
        if pk is None:
            raise forms.ValidationError(_("No enterprise of the registry has this USCC."))
        return pk


class RecordForm(Styled):
    enterprise = UsccField()
    kind = forms.ChoiceField(label=_("kind"), choices=RecordKind.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=[("", "—"), *Severity.choices], required=False)
    title = forms.CharField(label=_("matter"), max_length=200)
    document_no = forms.CharField(label=_("document number"), max_length=80, required=False)
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)


class RepairApplyForm(Styled):
    record = forms.IntegerField(widget=forms.HiddenInput)
    statement = forms.CharField(label=_("what was corrected"), widget=forms.Textarea(attrs={"rows": 3}))
    commitment = forms.CharField(
        label=_("credit commitment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="本企业承诺所提交材料真实有效，已纠正失信行为、履行相关义务，今后依法诚信经营。",
    )
    evidence = MultipleFileField(
        label=_("evidence"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "accept": accepted()}),
    )


class RepairDecideForm(Styled):
    application = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("approve the repair")), ("0", _("refuse the repair"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("reason"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ItemForm(Styled):
    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("item"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=InspectionItem.Kind.choices)
    qualification = forms.CharField(label=_("qualification needed"), max_length=60, required=False)
    ratio_a = forms.DecimalField(
        label=_("ratio A"), min_value=0, max_value=1, initial="0.03", decimal_places=4
    )
    ratio_b = forms.DecimalField(
        label=_("ratio B"), min_value=0, max_value=1, initial="0.1", decimal_places=4
    )
    ratio_c = forms.DecimalField(
        label=_("ratio C"), min_value=0, max_value=1, initial="0.3", decimal_places=4
    )
    ratio_d = forms.DecimalField(label=_("ratio D"), min_value=0, max_value=1, initial="1", decimal_places=4)
    ratio_unknown = forms.DecimalField(
        label=_("ratio without class"), min_value=0, max_value=1, initial="0.1", decimal_places=4
    )
    a_class_exempt = forms.BooleanField(
        label=_("class A not inspected proactively (无事不扰)"), required=False, initial=True
    )
    basis = forms.CharField(label=_("legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InspectorForm(Styled):
    number = forms.CharField(label=_("inspector number"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=60)
    certificate_no = forms.CharField(label=_("enforcement certificate"), max_length=40)
    certificate_until = forms.DateField(label=_("certificate valid until"), widget=DATE)
    qualifications = forms.CharField(label=_("qualifications"), max_length=300, required=False)


class ConflictForm(Styled):
    inspector = forms.TypedChoiceField(label=_("inspector"), coerce=int)
    enterprise = UsccField()
    reason = forms.ChoiceField(label=_("reason"), choices=Conflict.Reason.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [(i.pk, f"{i.name}（{i.number}）") for i in inspectors]


class TaskForm(Styled):
    name = forms.CharField(label=_("task"), max_length=200)
    items = forms.ModelMultipleChoiceField(
        label=_("items"), queryset=InspectionItem.objects.filter(active=True).order_by("code")
    )
    planned_on = forms.DateField(label=_("draw date"), widget=DATE)
    inspect_by = forms.DateField(label=_("inspections finished by"), widget=DATE, required=False)
    max_load = forms.IntegerField(label=_("most objects per inspector"), min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].label_from_instance = lambda i: f"{i.code} {i.name}（{i.department.name}）"
        self.fields["items"].queryset = InspectionItem.objects.filter(active=True).select_related(
            "department"
        )


class TaskActionForm(Styled):
    action = forms.ChoiceField(choices=[(a, a) for a in ("freeze", "draw", "redraw", "close", "declare")])
    witness_code = forms.CharField(label=_("witness code"), max_length=60, required=False)
    witnesses = forms.CharField(label=_("witnesses"), max_length=200, required=False)
    reason = forms.CharField(label=_("why redrawn"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResultForm(Styled):
    inspection = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("result"), choices=Result.choices)
    inspected_on = forms.DateField(label=_("inspected on"), widget=DATE)
    problems = forms.CharField(
        label=_("problems found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IdListField(forms.Field):
    """Records chosen in a multiple select, as ids (the service checks each against the user's scope)."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        try:
            return [int(v) for v in value or []][:50]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose from the list.")) from None


class InspectionActionForm(Styled):
    inspection = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("publish", "rectified", "assign", "open", "withdraw")]
    )
    inspectors = IdListField(required=False)  # manual assignment
    note = forms.CharField(label=_("conflict"), max_length=200, required=False)  # withdrawal
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecordActionForm(Styled):
    action = forms.ChoiceField(choices=[("publish", "publish")])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecordParams(QueryParams):
    format = forms.ChoiceField(choices=[("", ""), ("json", "json")], required=False)
