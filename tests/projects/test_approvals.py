"""Approval items through the services: clocks on the zone calendar, lights and alerts, order rules,
commitments, extensions, returns and who may act."""

import datetime as dt

import pytest

from parkos.core import notify
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Notice
from parkos.projects import services
from parkos.projects.models import ApprovalConfig, ItemInstance, StageInstance
from tests.factories import UserFactory
from tests.projects.conftest import item

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def act(user, it, action, on, today=None, **kw):
    return services.item_act(user=user, pk=it.pk, action=action, on=D(on), today=D(today or on), **kw)


def accepted(user, it, on):
    act(user, it, "submit", on)
    return act(user, it, "accept", on)


def test_example_c_deadline_through_corrections_over_may_day(project, staff_a):
    it = item(project, "GG-1-04")  # 节能审查, 10 working days promised, handled by 经济发展局
    it = accepted(staff_a, it, "2026-04-28")
    assert it.deadline == D("2026-05-14")
    assert it.light == "green"
    it = act(staff_a, it, "request_correction", "2026-04-30", note="补正通知书〔2026〕12号")
    assert it.state == "correction"
    assert it.light == "grey"
    assert it.deadline is None  # paused: no deadline until the materials arrive
    it = act(staff_a, it, "receive_materials", "2026-05-11")
    assert it.deadline == D("2026-05-21")
    assert it.suspended_wd == 5
    assert it.remaining_wd == 8  # Apr 29 and 30 counted
    it = act(staff_a, it, "approve", "2026-05-20")
    assert (it.state, it.result, it.light) == ("completed", "granted", "done")
    assert it.elapsed_wd == 9


def test_light_turns_yellow_then_red_and_alerts_once_each(project, staff_a, catalogue):
    head = UserFactory(username="jfj_head", role="dept_admin", department=staff_a.department)
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")  # due 2026-05-14
    services.refresh(today=D("2026-05-11"))
    it.refresh_from_db()
    assert (it.light, it.remaining_wd) == ("green", 3)  # 12, 13 and 14 May left
    services.refresh(today=D("2026-05-12"))
    it.refresh_from_db()
    assert (it.light, it.remaining_wd) == ("yellow", 2)
    services.refresh(today=D("2026-05-13"))
    alert = Notice.objects.get(notify.about(it), light="yellow")  # once, not once a day
    assert set(alert.recipients.all()) == {
        head,
        staff_a,
    }  # the department head and its staff (no handler set)
    services.refresh(today=D("2026-05-15"))
    it.refresh_from_db()
    assert it.light == "red"
    assert it.remaining_wd == -1
    red = Notice.objects.get(notify.about(it), light="red")
    assert (red.kind, red.url) == ("projects.item_light", f"/projects/{project.pk}/approvals/")
    from parkos.core import capabilities

    office = capabilities.holder_department("projects.reform_office")
    assert office.code == "SPJ"
    assert head in red.recipients.all()
    services.refresh(today=D("2026-05-15"))
    assert Notice.objects.filter(notify.about(it)).count() == 2


def test_application_without_notice_in_five_working_days_is_deemed_accepted_on_receipt(project, staff_a):
    it = act(staff_a, item(project, "GG-1-04"), "submit", "2026-03-02")
    services.refresh(today=D("2026-03-09"))  # the fifth working day: still in time for a notice
    it.refresh_from_db()
    assert it.state == "submitted"
    services.refresh(today=D("2026-03-10"))
    it.refresh_from_db()
    assert it.state == "in_review"
    assert it.accepted_on == D("2026-03-02")
    assert it.deadline == D("2026-03-16")
    assert it.events.last().action == "deem_accept"


def test_correction_notice_before_acceptance_refused_after_the_window(project, staff_a):
    it = act(staff_a, item(project, "GG-1-04"), "submit", "2026-03-02")
    with pytest.raises(Invalid, match="5 个工作日内（2026-03-09 前）"):
        act(staff_a, it, "pre_correct", "2026-03-10", note="缺少能评报告")
    it = act(staff_a, it, "pre_correct", "2026-03-09", note="缺少能评报告", today="2026-03-09")
    assert it.state == "pre_correction"
    it = act(staff_a, it, "accept", "2026-03-20")
    assert it.accepted_on == D("2026-03-20")


@pytest.mark.parametrize(
    ("state_path", "action"),
    [
        ((), "approve"),
        (("submit",), "approve"),
        (("submit",), "receive_materials"),
        (("submit", "accept"), "verify_pass"),
    ],
)
def test_illegal_actions_are_refused_with_a_message(project, staff_a, state_path, action):
    it = item(project, "GG-1-04")
    for a in state_path:
        it = act(staff_a, it, a, "2026-03-02")
    with pytest.raises(Invalid, match="不能“"):
        act(staff_a, it, action, "2026-03-03")


def test_predecessor_must_be_completed_first(project, ghj_staff):
    with pytest.raises(Invalid, match="须先办结以下前置事项：建设项目用地预审与选址意见书"):
        act(ghj_staff, item(project, "GG-1-03"), "submit", "2026-03-02")


def test_next_stage_waits_for_the_previous_one(project, ghj_staff):
    with pytest.raises(Invalid, match="上一审批阶段尚未办结"):
        act(ghj_staff, item(project, "GG-2-01"), "submit", "2026-03-02")


def complete_stage1(project, spj, ghj, jfj, on="2026-03-02"):
    for code, user in [("GG-1-01", spj), ("GG-1-02", ghj), ("GG-1-04", jfj), ("GG-1-03", ghj)]:
        it = accepted(user, item(project, code), on)
        act(user, it, "approve", on)


def test_stage_completes_when_every_mandatory_item_is_granted(project, spj_staff, ghj_staff, staff_a):
    complete_stage1(project, spj_staff, ghj_staff, staff_a)
    s1 = StageInstance.objects.get(project=project, stage="STAGE1")
    assert (s1.state, s1.completed_on, s1.elapsed_wd) == ("completed", D("2026-03-02"), 0)
    # the industrial flow merges stages 2 and 3: its design review may be filed now
    it = act(ghj_staff, item(project, "GG-2-01"), "submit", "2026-03-03")
    assert it.stage.stage == "MERGED_2_3"
    assert it.stage.limit_wd == 30


def test_instant_item_is_due_the_day_it_is_accepted(project, spj_staff):
    it = accepted(spj_staff, item(project, "GG-1-01"), "2026-03-02")
    assert it.deadline == D("2026-03-02")
    assert it.light == "yellow"
    services.refresh(today=D("2026-03-03"))
    it.refresh_from_db()
    assert it.light == "red"


def test_commitment_grants_at_once_and_verification_can_revoke(project, spj_staff, ghj_staff, staff_a):
    complete_stage1(project, spj_staff, ghj_staff, staff_a)
    design = accepted(ghj_staff, item(project, "GG-2-01"), "2026-03-03")
    act(ghj_staff, design, "approve", "2026-03-05")
    permit = act(ghj_staff, item(project, "GG-2-02"), "submit", "2026-03-06")
    with pytest.raises(Invalid):
        act(spj_staff, item(project, "GG-3-02"), "commit", "2026-03-06")  # an ordinary item cannot
    permit = act(ghj_staff, permit, "commit", "2026-03-06", text_version="2026版")
    assert (permit.state, permit.result) == ("verify_pending", "committed")
    assert permit.verification_due == D("2026-04-03")  # 20 working days, Qingming (Apr 4-6) after it
    permit = act(ghj_staff, permit, "verify_rectify", "2026-03-20", days=10, note="补充消防间距说明")
    assert permit.verification_due == D("2026-04-03")
    permit = act(ghj_staff, permit, "verify_fail", "2026-04-03")
    assert permit.state == "revoked"
    assert permit.verification_result == "不符合"


def test_extension_moves_the_deadline_and_keeps_the_original(project, staff_a):
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")
    with pytest.raises(Invalid, match="批准的部门负责人"):
        act(staff_a, it, "extend", "2026-05-06", days=5)
    it = act(staff_a, it, "extend", "2026-05-06", days=5, approved_by="王局长", note="需专家论证")
    assert it.original_deadline == D("2026-05-14")
    assert it.deadline == D("2026-05-21")
    with pytest.raises(Invalid, match="不得超过 15 个工作日"):
        act(staff_a, it, "extend", "2026-05-07", days=11, approved_by="王局长", note="再延")


def test_returned_item_is_filed_again_with_a_fresh_clock(project, staff_a):
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")
    it = act(staff_a, it, "return", "2026-04-30", note="不符合产业政策")
    assert it.state == "returned"
    again = services.item_resubmit(user=staff_a, pk=it.pk)
    assert again.previous_item == it
    again = accepted(staff_a, again, "2026-05-06")
    assert again.deadline == D("2026-05-19")  # 9 May is a 调休 working Saturday
    with pytest.raises(Invalid):
        services.item_resubmit(user=staff_a, pk=it.pk)


def test_restart_mode_counts_again_from_the_materials(project, staff_a):
    it = item(project, "GG-1-04")
    ItemInstance.objects.filter(pk=it.pk).update(correction_mode="restart")
    it = accepted(staff_a, it, "2026-04-28")
    act(staff_a, it, "request_correction", "2026-04-30", note="补正")
    it = act(staff_a, it, "receive_materials", "2026-05-11")
    assert it.deadline == D("2026-05-25")  # ten working days after 11 May


def test_shift_mode_moves_a_weekend_acceptance_to_monday(project, staff_a):
    sysadmin = UserFactory(username="cfg", role="system_admin", department=None, is_superuser=True)
    ApprovalConfig.save_values(user=sysadmin, data={"accept_on_nonworking": "shift"})
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-03-07")  # a Saturday
    assert it.clock_start == D("2026-03-09")
    assert it.deadline == D("2026-03-23")


def test_special_procedure_pauses_until_it_ends(project, staff_a):
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")
    it = act(staff_a, it, "start_special", "2026-04-29", note="专家评审，预计10日", until=D("2026-05-12"))
    assert it.light == "grey"
    it = act(staff_a, it, "end_special", "2026-05-12")
    assert it.deadline == D("2026-05-25")


def test_only_the_handling_department_acts(project, ghj_staff, ent_user_a, staff_a):
    it = item(project, "GG-1-04")
    with pytest.raises(Forbidden):
        act(ghj_staff, it, "submit", "2026-03-02")
    with pytest.raises(Forbidden):  # they follow their own project's approvals; officers act
        act(ent_user_a, it, "submit", "2026-03-02")


def test_assistance_officer_files_on_the_enterprise_behalf(project, catalogue):
    officer = UserFactory(username="daiban", role="dept_staff", department=catalogue["SPJ"])
    project.helper = officer
    project.save()
    it = act(officer, item(project, "GG-1-04"), "submit", "2026-03-02")
    assert it.state == "submitted"
    assert it.events.get().by == officer
    with pytest.raises(Forbidden):
        act(officer, it, "accept", "2026-03-02")


def test_dates_cannot_go_backwards_or_into_the_future(project, staff_a):
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")
    with pytest.raises(Invalid, match="上一步骤（2026-04-28）"):
        act(staff_a, it, "approve", "2026-04-27", today="2026-04-30")
    with pytest.raises(Invalid, match="不能晚于今天"):
        act(staff_a, it, "approve", "2026-05-02", today="2026-04-30")


def test_officer_queue_lists_urgent_items_and_what_to_file_next(
    project, staff_a, spj_staff, ghj_staff, catalogue
):
    from parkos.projects import selectors

    officer = UserFactory(username="daiban", role="dept_staff", department=catalogue["SPJ"])
    project.helper = officer
    project.save()
    it = accepted(staff_a, item(project, "GG-1-04"), "2026-04-28")
    services.refresh(today=D("2026-05-13"))
    q = selectors.officer_queue(user=officer, today=D("2026-05-13"))
    assert [i.pk for i in q["urgent"]] == [it.pk]  # yellow: two days left
    ready = {i.item.code for i in q["ready"]}
    assert ready == {"GG-1-01", "GG-1-02"}  # 用地规划许可 waits for 用地预审; stage 2 waits for stage 1
    assert [p.pk for p in q["projects"]] == [project.pk]
