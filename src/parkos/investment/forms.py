from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import IdList, QueryParams, YearParams, style_widgets
from parkos.core.models import Park, Role, User
from parkos.enterprises.models import Enterprise
from parkos.projects.public import Category, Level

from .models import (
    LEAD_FIELDS,
    SCHEME_FIELDS,
    Activity,
    Event,
    JointMeeting,
    Lead,
    LostReason,
    ScoringScheme,
    Stage,
    Team,
    is_coordinator,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeadForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # the button pressed after the duplicate check: a different investor, or the same one before the joint meeting
    decision = forms.ChoiceField(
        choices=[("", ""), ("separate", "separate"), ("conflict", "conflict")],
        required=False,
        widget=forms.HiddenInput,
    )
    referrer_uscc = forms.CharField(
        label=_("Referring enterprise (USCC)"),
        max_length=18,
        required=False,
        help_text=_("for referrals by an enterprise"),
    )

    class Meta:
        model = Lead
        fields = [f for f in LEAD_FIELDS if f != "referrer"]
        widgets = {"next_step_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def clean_referrer_uscc(self):
        code = self.cleaned_data.get("referrer_uscc", "").strip().upper()
        if not code:
            return None
        ent = Enterprise.objects.filter(uscc=code).first()
        if ent is None:
            raise forms.ValidationError(_("No enterprise with this USCC in the registry."))
        return ent

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parkos.chains.public import node_choices

        self.fields["node"].choices = [("", "---------"), *node_choices()]
        self.fields["officer"].queryset = (
            User.objects.filter(is_active=True, investment_teams__isnull=False)
            .distinct()
            .order_by("username")
        )
        if self.instance.pk and self.instance.referrer_id:
            self.fields["referrer_uscc"].initial = self.instance.referrer.uscc
        if user is not None and not is_coordinator(user):
            self.fields["team"].queryset = Team.objects.filter(members=user)
        style_widgets(self)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["on", "kind", "participants", "summary"]
        widgets = {"on": DATE, "summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("signed on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("contracted investment (10k yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    uscc = forms.CharField(
        label=_("Project company's USCC"),
        max_length=18,
        help_text=_("found in the registry, or registered there now"),
    )
    company_name = forms.CharField(label=_("Project company's name"), max_length=200, required=False)
    project_name = forms.CharField(label=_("Project name"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices, initial=Category.INDUSTRY)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices, initial=Level.DISTRICT)
    park = forms.ModelChoiceField(label=_("park"), queryset=Park.objects.all(), required=False)
    top500_edition = forms.IntegerField(
        label=_("top-500 list edition"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("留空则按签约日期取当时最新一期榜单"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LoseForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason lost"), choices=LostReason.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class FundsForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("funds in place (10k yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    amount_usd = forms.DecimalField(
        label=_("of which foreign direct investment, MOFCOM basis (10k US$)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    amount_usd_broad = forms.DecimalField(
        label=_("foreign capital used, provincial broad basis (10k US$)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("省级宽口径“实际使用外资”，单独统计，不与商务部口径相加"),
    )
    exchange_rate = forms.DecimalField(
        label=_("exchange rate (yuan per US$)"), max_digits=8, decimal_places=4, min_value=0, required=False
    )
    evidence = forms.CharField(label=_("evidence"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MeetingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = JointMeeting
        fields = ["title", "held_on", "place", "chair", "attendees", "minutes"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "start_on", "place", "attendees", "notes"]
        widgets = {
            "start_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "code", "department", "leader", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, role__in=[Role.DEPT_STAFF, Role.DEPT_ADMIN]).order_by(
            "department__code", "username"
        )
        self.fields["leader"].queryset = staff
        self.fields["members"].queryset = staff
        style_widgets(self)


class ConflictDecisionForm(forms.Form):
    """The joint meeting's decision on a conflict: the owner team, the credit per team in percent (the fields
    `share_<team id>`, one per side of the conflict) and the decision's wording."""

    owner_team = forms.IntegerField(label=_("Owner team"))
    decision = forms.CharField(label=_("Decision"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        shares = {}
        for key, value in self.data.items():
            if key.startswith("share_") and key[6:].isdigit() and str(value).strip():
                try:
                    shares[int(key[6:])] = forms.DecimalField(min_value=0, max_value=100).clean(value)
                except forms.ValidationError as exc:
                    self.add_error(None, _("Credit (%%): %(reason)s") % {"reason": " ".join(exc.messages)})
        data["shares"] = shares or None
        return data


class MeetingCloseForm(forms.Form):
    minutes = forms.CharField(label=_("minutes"), required=False)


class ScoringSchemeForm(forms.ModelForm):
    """The year's scoring scheme for the teams' appraisal: points bands and grades as JSON pairs, the extras as
    numbers (their meaning is checked by the service)."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    class Meta:
        model = ScoringScheme
        fields = SCHEME_FIELDS


class TeamRefForm(forms.Form):
    """Which team the settings page edits: `team_pk` posted back, or `?team=` on the way in."""

    team_pk = forms.IntegerField(required=False, min_value=1)
    team = forms.IntegerField(required=False, min_value=1)

    def team_id(self) -> int | None:
        return (
            (self.cleaned_data.get("team_pk") or self.cleaned_data.get("team")) if self.is_valid() else None
        )


class FromTargetsForm(forms.Form):
    """The chain gap page's “make leads”: the chosen targets, for the user's team or the one chosen."""

    target = IdList(label=_("targets"), required=False)
    team = forms.IntegerField(label=_("team"), required=False)


class RankingParams(YearParams):
    by = forms.ChoiceField(choices=[("team", "team"), ("officer", "officer")], required=False)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)


class FigureParams(RankingParams):
    quarter = forms.IntegerField(required=False, min_value=1, max_value=4)


class LeadCreateParams(QueryParams):
    node = forms.IntegerField(required=False, min_value=1)  # the chain node page's “new lead for this node”
