"""Investment promotion (招商引资): teams, leads through the funnel, their activities and funds in place, events,
duplicate matches and conflicts decided by the joint meeting (招商引资联席会议), credit shares, and the yearly
scoring scheme."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities
from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section
from parkos.enterprises.models import Top500Kind

MONEY = {"max_digits": 16, "decimal_places": 2}


JOINT_MEETING_OFFICE = "investment.joint_meeting"  # the capability of the 联席会议办公室 (its administrators)


class InvestmentConfig(Section):
    """Zone-wide settings of investment promotion, a section of the zone's settings."""

    key = "investment"
    label = _("investment settings")
    capability = JOINT_MEETING_OFFICE

    duplicate_threshold = forms.IntegerField(
        label=_("names at least this similar are possible duplicates (0–100)"),
        min_value=0,
        max_value=100,
        initial=90,
    )
    neglect_days = forms.IntegerField(
        label=_("a lead without activity for this many days is neglected"), min_value=1, initial=60
    )
    region_names = forms.CharField(
        label=_("the zone's region names, left out when names are compared (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        initial="",
    )


def region_names(cfg) -> tuple[str, ...]:
    """The zone's own region names from the settings (one per line, or separated by commas)."""
    text = cfg.region_names or ""
    return tuple(x.strip() for x in text.replace("，", "\n").replace(",", "\n").splitlines() if x.strip())


def is_coordinator(user) -> bool:
    """Leaders, system administrators and the joint-meeting office's administrators see every lead and decide
    conflicts."""
    return capabilities.holds(user, JOINT_MEETING_OFFICE)


def acts_as_office(user) -> bool:
    """Whether the user acts for the joint-meeting office — decides conflicts, plans and closes meetings: its
    administrators and system administrators; leaders see what the office sees and only read."""
    return capabilities.acts(user, JOINT_MEETING_OFFICE, "change")


class Team(models.Model):
    """An investment-promotion team (招商小分队 / 产业链招商组) with its members."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="teams"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="investment_teams"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("investment team")
        verbose_name_plural = _("investment teams")

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    CLUE = "clue", _("Lead")
    CONTACT = "contact", _("Contact")
    VISIT = "visit", _("Site visit")
    NEGOTIATION = "negotiation", _("Negotiation")
    SIGNED = "signed", pgettext_lazy("lead", "Signed")
    LANDED = "landed", _("Landed")


STAGE_ORDER = list(Stage.values)


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("lead", "Open")
    LOST = "lost", _("Lost")
    MERGED = "merged", _("Merged by the joint meeting")


class Source(models.TextChoices):
    OWN = "own", _("Own prospecting")
    REFERRAL = "referral", _("Referral by an enterprise")
    AGENCY = "agency", _("Agency")
    EVENT = "event", _("Event or fair")


class HqLevel(models.TextChoices):
    NONE = "", _("None")
    GLOBAL = "global", _("Global headquarters")
    ASIA = "asia", _("Asia-Pacific headquarters")
    CHINA = "china", _("China headquarters")
    REGIONAL = "regional", _("Regional headquarters")


class LostReason(models.TextChoices):
    DECLINED = "declined", _("Investor declined")
    ELSEWHERE = "elsewhere", _("Went to another region")
    NEGLECT = "neglect", _("Lost by neglect")
    OTHER = "other", _("Other")


class Event(VersionedModel):
    """A promotion event (境外专题招商, 京津冀 / 长三角 / 大湾区 对接, fairs) with its attendees."""

    class Kind(models.TextChoices):
        OVERSEAS = "overseas", _("Overseas promotion")
        JJJ = "jjj", _("Beijing–Tianjin–Hebei matchmaking")
        YRD = "yrd", _("Yangtze River Delta matchmaking")
        GBA = "gba", _("Greater Bay Area matchmaking")
        FAIR = "fair", _("Fair or exhibition")
        OTHER = "other", _("Other event")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    start_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_on", "pk"]
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")

    def __str__(self) -> str:
        return f"{self.name} ({self.start_on})"


def _lead_scope(user, action: str, prefix: str = "") -> Q | None:
    """Coordinators see every lead; team members see their team's leads and those shared with their team, and
    change their team's own; nobody else sees leads."""
    if is_coordinator(user):
        return None
    if user.is_enterprise_user:
        return Q(pk__in=[])
    teams = Team.objects.filter(members=user).values("pk")
    own = Q(**{f"{prefix}team_id__in": teams})
    if action not in {"view", "export"}:
        return own
    shared = Share.objects.filter(team_id__in=teams).values("lead_id")
    return own | Q(**{f"{prefix}pk__in": shared})


class Lead(VersionedModel):
    """A possible investor project, from the first clue to the project landing in the zone."""

    investor_name = models.CharField(_("investor"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False, verbose_name=_("name key"))
    uscc = models.CharField(_("USCC"), max_length=18, blank=True, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("zone enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    top500_list = models.CharField(
        _("top-500 list"), max_length=20, choices=Top500Kind.choices, blank=True, default=""
    )
    top500_edition = models.PositiveSmallIntegerField(
        _("top-500 list edition"),
        null=True,
        blank=True,
        help_text=_("签约时有效的榜单年份（默认按签约日期取当时最新一期）"),
    )
    is_central_soe = models.BooleanField(_("central SOE (中字号)"), default=False)
    foreign_country = models.CharField(_("foreign investor's country"), max_length=40, blank=True)
    hq_level = models.CharField(
        _("headquarters"), max_length=20, choices=HqLevel.choices, blank=True, default=""
    )
    is_industry_leader = models.BooleanField(_("industry leader"), default=False)
    title = models.CharField(_("project idea"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("planned investment (10k yuan)"), null=True, blank=True, **MONEY)
    amount_usd = models.DecimalField(_("planned investment (10k US$)"), null=True, blank=True, **MONEY)
    node = models.ForeignKey(
        "chains.Node",
        verbose_name=_("chain node"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    target = models.OneToOneField(
        "chains.Target",
        verbose_name=_("target company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OWN)
    referrer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("referring enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_leads",
    )
    agency = models.CharField(_("agency"), max_length=120, blank=True)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="leads")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investment_leads",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.CLUE, db_index=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    lost_reason = models.CharField(_("reason lost"), max_length=20, choices=LostReason.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state_note = models.CharField(_("note"), max_length=300, blank=True)
    entered_on = models.DateField(_("entered on"))
    last_activity_on = models.DateField(_("last activity"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_amount = models.DecimalField(_("contracted investment (10k yuan)"), null=True, blank=True, **MONEY)
    fills_gap = models.BooleanField(_("fills a chain gap"), default=False)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead",
    )
    landed_on = models.DateField(_("landed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-entered_on", "-pk"]
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount_usd__gte=0),
                name="lead_amount_nonneg",
                violation_error_message=_("The planned investment cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["state", "stage"]), models.Index(fields=["team", "state"])]

    def __str__(self) -> str:
        return f"{self.investor_name} · {self.title}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _lead_scope(user, action)


LEAD_FIELDS = [
    "investor_name", "uscc", "top500_list", "is_central_soe", "foreign_country", "hq_level", "is_industry_leader",
    "title", "description", "amount", "amount_usd", "node", "source", "referrer", "agency", "event", "team",
    "officer", "next_step", "next_step_on",
]  # fmt: skip


class LeadChild(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _lead_scope(user, action, prefix="lead__")


class Activity(LeadChild):
    """A visit, meeting, call or inspection in the lead's log."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit to the investor")
        MEETING = "meeting", _("Meeting")
        INSPECTION = "inspection", _("Investor's inspection of the zone")
        NEGOTIATION = "negotiation", _("Negotiation round")
        OTHER = "other", _("Other")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    participants = models.CharField(_("participants"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class StageChange(LeadChild, WorkflowEvent):
    """Append-only timeline of the lead: its moves through the funnel, its closing, the joint meeting's remarks."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["lead", "at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.lead_id} {self.from_state}→{self.to_state}"


class Funds(LeadChild):
    """Funds actually in place (实际到位资金) for a signed lead; never the contracted amount."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="funds")
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("funds in place (10k yuan)"), **MONEY)
    amount_usd = models.DecimalField(
        _("of which foreign direct investment, MOFCOM basis (10k US$)"), null=True, blank=True, **MONEY
    )
    amount_usd_broad = models.DecimalField(
        _("foreign capital used, provincial broad basis (10k US$)"), null=True, blank=True, **MONEY
    )
    exchange_rate = models.DecimalField(
        _("exchange rate (yuan per US$)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("funds in place")
        verbose_name_plural = _("funds in place")
        constraints = [
            FieldCheck(
                field="amount",
                condition=Q(amount__gt=0),
                name="funds_positive",
                violation_error_message=_("The amount must be greater than 0."),
            ),
            models.CheckConstraint(
                condition=(Q(amount_usd__isnull=True) | Q(amount_usd__gte=0))
                & (Q(amount_usd_broad__isnull=True) | Q(amount_usd_broad__gte=0))
                & (Q(exchange_rate__isnull=True) | Q(exchange_rate__gt=0)),
                name="funds_foreign_nonneg",
                violation_error_message=_(
                    "Foreign amounts cannot be negative and the exchange rate is above 0."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.on} {self.amount}"


class Share(LeadChild):
    """A team's (and optionally its officer's) share of a lead's credit, in percent; the owner team holds the
    rest unless a joint meeting decided a split."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="shares")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="shares")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pct = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["lead", "-pct"]
        verbose_name = _("credit share")
        verbose_name_plural = _("credit shares")
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "team"],
                name="share_unique_team",
                violation_error_message=_("This team already has a share of this lead."),
            ),
            FieldCheck(
                field="pct",
                condition=Q(pct__gt=0) & Q(pct__lte=100),
                name="share_pct_range",
                violation_error_message=_("A share is more than 0 and at most 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.team_id} {self.pct}%"


class JointMeeting(VersionedModel):
    """A session of the 招商引资联席会议; open conflicts go on the agenda of the next planned one."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    title = models.CharField(_("meeting title"), max_length=120)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chair"), max_length=60, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class MatchedBy(models.TextChoices):
    """How two leads were found to name the same investor."""

    USCC = "uscc", _("same USCC")
    NAME = "name", _("similar name")
    BRAND = "brand", _("same brand name (字号)")


class LeadConflict(VersionedModel):
    """Two teams claiming the same investor: `claim` is the newer lead, `other` the one it matched."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the joint meeting")
        DECIDED = "decided", _("Decided")

    claim = models.ForeignKey(
        Lead, verbose_name=_("new claim"), on_delete=models.CASCADE, related_name="conflicts_claimed"
    )
    other = models.ForeignKey(
        Lead, verbose_name=_("earlier lead"), on_delete=models.CASCADE, related_name="conflicts_held"
    )
    score = models.DecimalField(_("similarity"), max_digits=5, decimal_places=1)
    matched_by = models.CharField(_("matched by"), max_length=10, choices=MatchedBy.choices)
    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("joint meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    owner_team = models.ForeignKey(
        Team, verbose_name=_("owner team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shares = models.JSONField(_("credit split"), default=dict, blank=True)  # {team id: percent}
    decision = models.TextField(_("decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")

    def __str__(self) -> str:
        return f"{self.claim_id} × {self.other_id}"

    @property
    def sides(self) -> list[Lead]:
        return [self.claim, self.other]

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        """Coordinators see every conflict; each side's team sees the conflicts of its leads."""
        if is_coordinator(user):
            return None
        if user.is_enterprise_user:
            return Q(pk__in=[])
        teams = Team.objects.filter(members=user).values("pk")
        return Q(claim__team_id__in=teams) | Q(other__team_id__in=teams)


SCHEME_FIELDS = [
    "bands",
    "per_10k_funds",
    "top500",
    "foreign",
    "headquarters",
    "gap_filled",
    "neglect",
    "grades",
]


class ScoringScheme(VersionedModel):
    """A year's points for teams and officers (绩效与薪酬挂钩); see `engine.Scheme`."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    bands = models.JSONField(
        _("points per signed project by amount"), default=list
    )  # [[lower 万元, points], …]
    per_10k_funds = models.DecimalField(
        _("points per 10k yuan of funds in place"), max_digits=8, decimal_places=5, default=0
    )
    top500 = models.DecimalField(_("extra for a top-500 investor"), max_digits=6, decimal_places=2, default=0)
    foreign = models.DecimalField(
        _("extra for a foreign investor"), max_digits=6, decimal_places=2, default=0
    )
    headquarters = models.DecimalField(
        _("extra for a headquarters"), max_digits=6, decimal_places=2, default=0
    )
    gap_filled = models.DecimalField(
        _("extra for filling a chain gap"), max_digits=6, decimal_places=2, default=0
    )
    neglect = models.DecimalField(
        _("deduction per lead lost by neglect"), max_digits=6, decimal_places=2, default=0
    )
    grades = models.JSONField(_("grade bands"), default=list)  # [[grade, minimum points], …] best first
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self) -> str:
        return str(self.year)


DEFAULT_BANDS = [
    [0, 2],
    [10000, 5],
    [50000, 10],
    [100000, 20],
    [500000, 40],
]  # 万元: <1亿, ≥1亿, ≥5亿, ≥10亿, ≥50亿
DEFAULT_GRADES = [["A", 100], ["B", 60], ["C", 30], ["D", None]]
