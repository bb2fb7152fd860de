"""Leads: the duplicate check at entry, conflicts and the joint meeting's decision, the funnel's stage rules,
signing into the key-project library, funds and loss, and the scope of who sees what."""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.core.exceptions import Forbidden, Invalid
from parkos.demo import make_uscc
from parkos.investment import selectors, services
from parkos.investment.models import Activity, JointMeeting, Lead, LeadConflict, Share, Stage, State
from parkos.projects.models import Project
from parkos.projects.models import Status as ProjectStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
USCC = make_uscc("430121", 4242)


def new_lead(user, team, name="三一重工股份有限公司", decision="", **kw):
    data = {"investor_name": name, "title": kw.pop("title", "智能工厂项目"), "team": team, **kw}
    return services.lead_create(user=user, data=data, decision=decision)


def test_lead_entry_records_share_and_first_stage(u1, team1):
    lead = new_lead(u1, team1, amount=Decimal(50000))
    assert (lead.stage, lead.state, lead.officer, lead.name_key) == (Stage.CLUE, State.OPEN, u1, "三一重工")
    assert list(lead.shares.values_list("team_id", "officer_id", "pct")) == [(team1.pk, u1.pk, Decimal(100))]
    assert list(lead.stage_changes.values_list("from_state", "to_state")) == [("", "clue")]


def test_possible_duplicate_is_shown_with_its_score_and_entry_waits_for_a_decision(u1, team1):
    first = new_lead(u1, team1)
    with pytest.raises(services.DuplicateFound) as exc:
        new_lead(u1, team1, name="三一重工（北京）有限公司", title="另一个项目")
    (m,) = exc.value.extra["matches"]
    assert (m["id"], m["score"], m["by"], m["own"], m["title"]) == (
        first.pk,
        100.0,
        "name",
        True,
        "智能工厂项目",
    )
    assert Lead.objects.count() == 1
    with pytest.raises(Invalid, match="本队已跟进"):
        new_lead(u1, team1, name="三一重工（北京）有限公司", decision="conflict")
    other = new_lead(
        u1, team1, name="三一重工有限公司", decision="separate"
    )  # a namesake, as the officer knows
    assert other.stage_changes.get().note == f"经确认与线索 #{first.pk} 为不同投资方后录入"


def test_same_uscc_cannot_be_entered_as_a_different_investor(u1, team1):
    new_lead(u1, team1, name="甲公司", uscc="91430100MA4L0X1234")
    with pytest.raises(Invalid):
        new_lead(u1, team1, name="完全不同的名字", uscc="91430100ma4l0x1234", decision="separate")


def test_another_teams_claim_becomes_a_conflict_on_the_next_meeting_and_shows_only_who(
    u1, u2, team1, team2, head
):
    early = new_lead(u1, team1, amount=Decimal(80000), description="机密的谈判条件")
    meeting = services.meeting_save(
        user=head, data={"title": "第3次联席会议", "held_on": TODAY + dt.timedelta(days=7)}
    )
    with pytest.raises(services.DuplicateFound) as exc:
        new_lead(u2, team2, name="湖南三一重工有限公司")
    (m,) = exc.value.extra["matches"]
    assert (m["own"], m["team"], m["title"], m["uscc"]) == (False, "一分队", "", "")
    claim = new_lead(u2, team2, name="湖南三一重工有限公司", decision="conflict")
    c = LeadConflict.objects.get()
    assert (c.claim, c.other, c.meeting, c.status) == (claim, early, meeting, LeadConflict.Status.OPEN)
    # team 2 still cannot open team 1's lead
    assert not selectors.lead_list(user=u2).filter(pk=early.pk).exists()
    with pytest.raises(Invalid, match="联席会议"):
        services.lead_move(user=u2, pk=claim.pk, stage=Stage.CONTACT)


def test_joint_meeting_decision_merges_the_other_lead_and_splits_credit(u1, u2, team1, team2, head):
    early = new_lead(u1, team1)
    claim = new_lead(u2, team2, name="三一重工集团", decision="conflict")
    c = LeadConflict.objects.get()
    with pytest.raises(Forbidden):
        services.conflict_decide(user=u1, pk=c.pk, owner_team_id=team1.pk)
    with pytest.raises(Invalid):
        services.conflict_decide(
            user=head, pk=c.pk, owner_team_id=team2.pk, shares={team2.pk: 70, team1.pk: 20}
        )
    services.conflict_decide(
        user=head,
        pk=c.pk,
        owner_team_id=team2.pk,
        shares={team2.pk: 60, team1.pk: 40},
        decision="二分队先行接洽，一分队协助",
    )
    early.refresh_from_db()
    claim.refresh_from_db()
    assert (early.state, early.merged_into) == (State.MERGED, claim)
    assert sorted(Share.objects.filter(lead=claim).values_list("team_id", "officer_id", "pct")) == sorted(
        [(team2.pk, u2.pk, Decimal(60)), (team1.pk, u1.pk, Decimal(40))]
    )
    # the shared lead is now visible (read-only) to team 1
    assert selectors.lead_list(user=u1, filters={"state": "all"}).filter(pk=claim.pk).exists()
    with pytest.raises(Exception):  # noqa: B017,PT011 — not theirs to change: 404
        services.lead_move(user=u1, pk=claim.pk, stage=Stage.CONTACT)
    assert LeadConflict.objects.get().status == LeadConflict.Status.DECIDED


def test_meeting_closed_without_decision_carries_its_conflicts_to_the_next(u1, u2, team1, team2, head):
    m1 = services.meeting_save(user=head, data={"title": "一", "held_on": TODAY})
    new_lead(u1, team1)
    new_lead(u2, team2, name="三一重工集团", decision="conflict")
    assert LeadConflict.objects.get().meeting == m1
    services.meeting_close(user=head, pk=m1.pk, minutes="未议")
    assert LeadConflict.objects.get().meeting is None
    m2 = services.meeting_save(user=head, data={"title": "二", "held_on": TODAY + dt.timedelta(days=14)})
    assert LeadConflict.objects.get().meeting == m2
    assert JointMeeting.objects.get(pk=m1.pk).status == JointMeeting.Status.HELD


def _walk_to_negotiation(user, lead):
    services.activity_add(user=user, pk=lead.pk, on=TODAY, kind=Activity.Kind.CALL, summary="首次电话")
    services.lead_move(user=user, pk=lead.pk, stage=Stage.CONTACT)
    services.activity_add(user=user, pk=lead.pk, on=TODAY, kind=Activity.Kind.INSPECTION, summary="来园考察")
    services.lead_move(user=user, pk=lead.pk, stage=Stage.VISIT)
    services.lead_move(user=user, pk=lead.pk, stage=Stage.NEGOTIATION)


def test_stage_rules(u1, team1):
    lead = new_lead(u1, team1)
    with pytest.raises(Invalid, match="首次接触"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.CONTACT)
    with pytest.raises(Invalid, match="一次推进一个阶段"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.VISIT)
    services.activity_add(user=u1, pk=lead.pk, on=TODAY, kind=Activity.Kind.CALL, summary="电话")
    services.lead_move(user=u1, pk=lead.pk, stage=Stage.CONTACT)
    with pytest.raises(Invalid, match="考察"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.VISIT)
    services.activity_add(user=u1, pk=lead.pk, on=TODAY, kind=Activity.Kind.INSPECTION, summary="考察")
    services.lead_move(user=u1, pk=lead.pk, stage=Stage.VISIT)
    with pytest.raises(Invalid, match="计划投资"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.NEGOTIATION)
    with pytest.raises(Invalid, match="原因"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.CLUE)
    services.lead_move(user=u1, pk=lead.pk, stage=Stage.CONTACT, note="投资方换了对接人")
    assert Lead.objects.get(pk=lead.pk).stage == Stage.CONTACT


def test_signing_enters_the_key_project_and_landing_needs_funds(u1, team1):
    lead = new_lead(u1, team1, amount=Decimal(60000), top500_list="china")
    _walk_to_negotiation(u1, lead)
    with pytest.raises(Invalid, match="签约表"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.SIGNED)
    with pytest.raises(Invalid, match="统一社会信用代码"):
        services.lead_sign(user=u1, pk=lead.pk, signed_on=TODAY, amount=Decimal(60000), uscc="")
    services.lead_sign(
        user=u1,
        pk=lead.pk,
        signed_on=TODAY,
        amount=Decimal(60000),
        uscc=USCC,
        company_name="三一智能制造（长沙）有限公司",
    )
    lead.refresh_from_db()
    p = Project.objects.get()
    assert (lead.stage, lead.project, p.status, p.total_investment, p.lead_department) == (
        Stage.SIGNED,
        p,
        ProjectStatus.SIGNED,
        Decimal(60000),
        team1.department,
    )
    assert (p.investor.uscc, p.investor.name, p.top500_list) == (
        USCC,
        "三一智能制造（长沙）有限公司",
        "china",
    )
    with pytest.raises(Invalid, match="到位资金"):
        services.lead_move(user=u1, pk=lead.pk, stage=Stage.LANDED)
    services.funds_add(user=u1, pk=lead.pk, on=TODAY, amount=Decimal(5000))
    services.lead_move(user=u1, pk=lead.pk, stage=Stage.LANDED)
    assert Lead.objects.get(pk=lead.pk).landed_on == TODAY


def test_lost_lead_and_neglected_list(u1, team1):
    lead = new_lead(u1, team1)
    Lead.objects.filter(pk=lead.pk).update(last_activity_on=TODAY - dt.timedelta(days=61))
    assert list(selectors.lead_list(user=u1, filters={"neglected": "1"})) == [lead]
    services.lead_lose(user=u1, pk=lead.pk, reason="neglect", note="半年未联系")
    assert Lead.objects.get(pk=lead.pk).state == State.LOST
    assert not selectors.lead_list(user=u1, filters={"neglected": "1"}).exists()


def test_scope_team_sees_own_and_shared_leaders_all_others_nothing(
    u1, u2, team1, team2, leader, staff_a, ent_user_a, head
):
    a = new_lead(u1, team1)
    b = new_lead(u2, team2, name="中联重科")
    assert set(selectors.lead_list(user=u1)) == {a}
    assert set(selectors.lead_list(user=u2)) == {b}
    assert set(selectors.lead_list(user=leader)) == {a, b}
    assert set(selectors.lead_list(user=head)) == {a, b}
    assert not selectors.lead_list(user=staff_a).exists()
    assert not selectors.lead_list(user=ent_user_a).exists()
    with pytest.raises(Forbidden):
        new_lead(u1, team2, name="别队的线索")


def test_renaming_a_lead_runs_the_duplicate_and_conflict_check_again(u1, u2, team1, team2, head):
    """Team 2 enters "长沙某某贸易" (no match), then renames it to 三一重工集团, which team 1 already follows: the edit
    stops with the match until team 2 decides; put before the joint meeting, the conflict is open."""
    early = new_lead(u1, team1)
    mine = new_lead(u2, team2, name="长沙某某贸易有限公司", title="仓储项目")
    with pytest.raises(services.DuplicateFound) as exc:
        services.lead_update(
            user=u2, pk=mine.pk, version=mine.version, data={"investor_name": "三一重工集团"}
        )
    assert [m["id"] for m in exc.value.extra["matches"]] == [early.pk]
    mine.refresh_from_db()
    assert (mine.investor_name, mine.version) == ("长沙某某贸易有限公司", 1)  # nothing written
    services.lead_update(
        user=u2, pk=mine.pk, version=1, data={"investor_name": "三一重工集团"}, decision="conflict"
    )
    c = LeadConflict.objects.get()
    assert (c.claim_id, c.other_id, c.status) == (mine.pk, early.pk, LeadConflict.Status.OPEN)
    # an edit that keeps the name does not ask again, and the lead in conflict is not its own match
    services.lead_update(user=u2, pk=mine.pk, version=2, data={"title": "仓储二期"})
    services.lead_update(user=u2, pk=mine.pk, version=3, data={"investor_name": "三一重工集团有限公司"})


def test_renaming_to_a_namesake_as_a_different_investor_is_logged(u1, team1):
    first = new_lead(u1, team1)
    other = new_lead(u1, team1, name="长沙某某贸易有限公司")
    services.lead_update(
        user=u1, pk=other.pk, version=1, data={"investor_name": "三一重工有限公司"}, decision="separate"
    )
    assert other.stage_changes.order_by("-pk").first().note == f"改名后经确认与线索 #{first.pk} 为不同投资方"


def test_leaders_see_the_joint_meeting_but_do_not_decide_plan_or_close(u1, u2, team1, team2, head, leader):
    """Leaders see every lead as the office does (is_coordinator) and only read: a decision, a meeting planned or
    closed by a leader is refused and changes nothing."""
    meeting = services.meeting_save(user=head, data={"title": "第5次联席会议", "held_on": TODAY})
    new_lead(u1, team1)
    new_lead(u2, team2, name="三一重工集团", decision="conflict")
    c = LeadConflict.objects.get()
    with pytest.raises(Forbidden):
        services.conflict_decide(user=leader, pk=c.pk, owner_team_id=team1.pk)
    with pytest.raises(Forbidden):
        services.meeting_save(user=leader, data={"title": "领导加开", "held_on": TODAY})
    with pytest.raises(Forbidden):
        services.meeting_close(user=leader, pk=meeting.pk, minutes="x")
    c.refresh_from_db()
    meeting.refresh_from_db()
    assert (c.status, meeting.status, JointMeeting.objects.count()) == (
        LeadConflict.Status.OPEN,
        JointMeeting.Status.PLANNED,
        1,
    )
