"""Requests and 差评 cases through the services: time limits in working days across the National Day and May Day
holidays (hand-worked on the 2026 calendar), the card holder's shorter limit and named officer, dispatch and send
back, the 差评 case from rating to follow-up, appeals, and scope."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse

from parkos.cockpit import selectors as cockpit
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role
from parkos.core.periods import Period
from parkos.ratings import selectors as rating_selectors
from parkos.ratings import services as rating_services
from parkos.ratings.models import BadRatingCase, Rating
from parkos.servicedesk import services
from parkos.servicedesk.models import Category, Request, ServiceConfig
from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory, enterprise_user, grant

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def desk(dept_a):
    qfzx = DepartmentFactory(code="QFZX", name="企业服务中心")
    grant("servicedesk.centre", qfzx)
    services.install_default_categories()
    centre = UserFactory(username="qfzx", role=Role.DEPT_STAFF, department=qfzx)
    jfj = UserFactory(username="jfj", role=Role.DEPT_STAFF, department=dept_a)
    ent = EnterpriseFactory(owner=dept_a, name="长沙星沙示例机械有限公司")
    qiye = enterprise_user(ent, "qiye1")
    return {"centre": centre, "jfj": jfj, "ent": ent, "qiye": qiye, "dept": dept_a}


def submit(d, code="consult", on="2026-09-30", user=None):
    cat = Category.objects.get(code=code)
    return services.request_submit(
        user=user or d["qiye"],
        enterprise_id=d["ent"].pk,
        category_id=cat.pk,
        title="用电增容",
        text="申请增容 2000 kVA",
        on=D(on),
    )


def test_time_limits_across_national_day(desk):
    """Received Wed 30 Sep 2026; 1–7 Oct are off, Sat 10 Oct is a working day (调休).
    政策咨询 3 WD → 8, 9, 10 Oct → due 10 Oct; first response 1 WD → 8 Oct.
    办事求助 15 WD → 8 9 10 12 13 14 15 16 19 20 21 22 23 26 27 → due 27 Oct."""
    r = submit(desk)
    assert (r.first_response_due, r.due_on, r.limit_wd, r.channel, r.number) == (
        D("2026-10-08"),
        D("2026-10-10"),
        3,
        "portal",
        "SQ2026090001",
    )
    r2 = submit(desk, "help")
    assert (r2.due_on, r2.number) == (D("2026-10-27"), "SQ2026090002")


def test_card_holder_goes_to_the_officer_with_the_shorter_limit(desk):
    """A card holder's 办事求助 has 10 WD: 8 9 10 12 13 14 15 16 19 20 Oct → due 20 Oct."""
    officer = UserFactory(username="zhuanyuan", role=Role.DEPT_STAFF, department=desk["dept"])
    services.card_issue(user=desk["centre"], enterprise_id=desk["ent"].pk, year=2026, officer_id=officer.pk)
    r = submit(desk, "help")
    assert (r.channel, r.officer, r.department, r.state, r.due_on) == (
        "card",
        officer,
        desk["dept"],
        "dispatched",
        D("2026-10-20"),
    )
    assert r.card.number == "0001"


def test_dispatch_send_back_answer_close_revisit(desk):
    r = submit(desk, on="2026-04-30")
    c, jfj = desk["centre"], desk["jfj"]
    services.request_dispatch(user=c, pk=r.pk, department_id=desk["dept"].pk, on=D("2026-04-30"))
    with pytest.raises(Invalid, match="原因"):
        services.request_send_back(user=jfj, pk=r.pk, reason="")
    # dispatched Thu 30 Apr; 1–5 May off: 2 WD after are 6 and 7 May, so 8 May is too late
    with pytest.raises(Invalid, match="2 个工作日"):
        services.request_send_back(user=jfj, pk=r.pk, reason="不属本局职责", on=D("2026-05-08"))
    services.request_send_back(user=jfj, pk=r.pk, reason="不属本局职责", on=D("2026-05-07"))
    assert Request.objects.get(pk=r.pk).state == "received"
    services.request_dispatch(user=c, pk=r.pk, department_id=desk["dept"].pk, on=D("2026-05-07"))
    services.request_accept(user=jfj, pk=r.pk, on=D("2026-05-07"))
    services.request_answer(user=jfj, pk=r.pk, answer="已协调供电公司", on=D("2026-05-08"))
    with pytest.raises(Forbidden):
        services.request_close(user=jfj, pk=r.pk)
    services.request_close(user=c, pk=r.pk, on=D("2026-05-08"))
    r = services.request_revisit(user=c, pk=r.pk, note="企业表示不满意", satisfied=False, on=D("2026-05-11"))
    assert (r.state, r.reopened) == ("accepted", 1)
    assert [e.action for e in r.events.all()] == [
        "submit",
        "dispatch",
        "send_back",
        "dispatch",
        "accept",
        "answer",
        "close",
        "reopen",
    ]


def test_overdue_requests_escalate_once(desk):
    submit(desk, on="2026-09-30")
    assert services.escalate_overdue(D("2026-10-12")) == 1
    assert services.escalate_overdue(D("2026-10-13")) == 0
    assert Request.objects.get().escalated


def closed_request(desk, on="2026-04-29"):
    r = submit(desk, on=on)
    c, jfj = desk["centre"], desk["jfj"]
    services.request_dispatch(user=c, pk=r.pk, department_id=desk["dept"].pk, on=D(on))
    services.request_accept(user=jfj, pk=r.pk, on=D(on))
    services.request_answer(user=jfj, pk=r.pk, answer="答复", on=D(on))
    return services.request_close(user=c, pk=r.pk, on=D("2026-04-30"))


def test_bad_rating_case_from_rating_to_follow_up(desk):
    """Rated 非常不满意 on Thu 30 Apr: contact due 1 WD → 6 May (1–5 May off); classified 限期整改 on 7 May:
    15 WD → 8, 9 (Sat, 调休), 11–15, 18–22, 25, 26, 27 → 27 May; rectified 12 May, follow-up window 7 days."""
    r = closed_request(desk)
    with pytest.raises(Invalid, match="至少"):
        services.rate_request(user=desk["qiye"], pk=r.pk, level=1, on=D("2026-04-30"))
    rating = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=1, reasons=["办事效率"], text="拖了很久", on=D("2026-04-30")
    )
    case = BadRatingCase.objects.get(rating=rating)
    assert (case.state, case.department, case.contact_due) == ("assigned", desk["dept"], D("2026-05-06"))
    jfj = desk["jfj"]
    with pytest.raises(Invalid, match="不能"):
        rating_services.case_act(user=jfj, pk=case.pk, action="done", note="x")
    rating_services.case_act(user=jfj, pk=case.pk, action="contact", method="电话", on=D("2026-05-06"))
    case = rating_services.case_act(
        user=jfj, pk=case.pk, action="rectify", kind="complex", note="建立台账", on=D("2026-05-07")
    )
    assert case.rectify_due == D("2026-05-27")
    case = rating_services.case_act(
        user=jfj, pk=case.pk, action="done", note="已缩短办理流程并致歉", on=D("2026-05-12")
    )
    assert (case.state, case.followup_due) == ("feedback", D("2026-05-19"))
    with pytest.raises(Forbidden):
        rating_services.case_act(user=jfj, pk=case.pk, action="followup", level=4)
    case = rating_services.case_act(
        user=desk["qiye"], pk=case.pk, action="followup", level=4, on=D("2026-05-13")
    )
    assert (case.state, case.followup.level) == ("closed", 4)
    assert Rating.objects.filter(target="servicedesk.request", target_id=r.pk).count() == 2
    with pytest.raises(Invalid, match="不满意"):
        rating_services.case_act(user=desk["centre"], pk=case.pk, action="reopen")


def test_appeal_upheld_leaves_the_rating_out(desk):
    r = closed_request(desk)
    rating = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=2, reasons=["服务态度"], on=D("2026-04-30")
    )
    case = rating.case
    rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="contact", method="电话", on=D("2026-05-06")
    )
    # appeal window 5 WD from 30 Apr: 6 7 8 9 11 May
    with pytest.raises(Invalid, match="5 个工作日"):
        rating_services.case_act(
            user=desk["jfj"], pk=case.pk, action="appeal", note="评价与本件无关", on=D("2026-05-12")
        )
    rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="appeal", note="评价与本件无关", on=D("2026-05-11")
    )
    with pytest.raises(Forbidden):
        rating_services.case_act(user=desk["jfj"], pk=case.pk, action="uphold")
    rating_services.case_act(user=desk["centre"], pk=case.pk, action="uphold", note="误评，经评价人确认")
    rating.refresh_from_db()
    assert (rating.excluded, rating.case.state) == (True, "upheld")


def test_rating_window_and_scope(desk):
    r = closed_request(desk)
    with pytest.raises(Invalid, match="7"):
        services.rate_request(user=desk["qiye"], pk=r.pk, level=5, on=D("2026-05-08"))
    other = enterprise_user(EnterpriseFactory(name="别家企业"), "qiye2")
    with pytest.raises(Exception):  # noqa: B017,PT011 — 404: not theirs
        services.rate_request(user=other, pk=r.pk, level=5, on=D("2026-05-01"))
    assert not Request.objects.restrict(other).exists()
    assert Request.objects.restrict(desk["qiye"]).count() == 1
    assert Request.objects.restrict(desk["jfj"]).count() == 1  # dispatched to its department
    with pytest.raises(Http404):  # another enterprise's: as if it were not there
        services.request_submit(
            user=other,
            enterprise_id=desk["ent"].pk,
            category_id=Category.objects.first().pk,
            title="x",
            text="y",
        )


def test_hotline_export_import_is_checked_whole_and_not_repeated(desk, tmp_path):
    from parkos.core.imports import import_file
    from tests.xlsx import write_xlsx

    head = ["工单编号", "来电日期", "企业名称", "统一社会信用代码", "诉求类别", "诉求标题", "诉求内容"]
    good = ["HX001", D("2026-09-30"), desk["ent"].name, "", "办事求助", "道路积水", "厂区门口积水"]
    f = write_xlsx(
        tmp_path / "h.xlsx",
        head,
        [
            good,
            ["HX002", D("2026-09-30"), "不存在的公司", "", "办事求助", "x", "y"],
            ["HX003", D("2026-09-30"), desk["ent"].name, "", "闲聊", "x", "y"],
        ],
    )
    rep = import_file(kind="hotline-requests", source=str(f), user=desk["centre"])
    assert not rep.ok
    assert {(e["row"], e["column"]) for e in rep.errors} == {(3, "企业名称"), (4, "诉求类别")}
    assert not Request.objects.exists()
    f = write_xlsx(tmp_path / "h2.xlsx", head, [good])
    assert import_file(kind="hotline-requests", source=str(f), user=desk["centre"]).created == 1
    r = Request.objects.get()
    assert (r.channel, r.due_on, r.external_ref, r.text) == (
        "hotline",
        D("2026-10-27"),
        "HX001",
        "厂区门口积水",
    )
    rep = import_file(kind="hotline-requests", source=str(f), user=desk["centre"])
    assert rep.errors[0]["message"] == "该工单已导入过"


def test_metrics_by_department_hand_worked(desk):
    """经济发展局, 2026: three requests closed 30 Apr, two rated (5 and 1), the 1 contacted on 6 May and rectified on
    time: 主动评价率 2/3 = 66.67 %, 好评率 50 %, 差评率 50 %, 满意度 (5+1)/10 = 60 %, 回访率 100 %, 整改率 0 % (not closed),
    按期整改率: due 7 May (5 WD after 30 Apr: 6 7 8 9 11 May → 11 May), feedback 8 May → 1/1 = 100 %."""

    reqs = [closed_request(desk) for _ in range(3)]
    services.rate_request(user=desk["qiye"], pk=reqs[0].pk, level=5, on=D("2026-04-30"))
    bad = services.rate_request(
        user=desk["qiye"], pk=reqs[1].pk, level=1, reasons=["服务态度"], on=D("2026-04-30")
    )
    rating_services.case_act(
        user=desk["jfj"], pk=bad.case.pk, action="contact", method="上门", on=D("2026-05-06")
    )
    c = rating_services.case_act(
        user=desk["jfj"], pk=bad.case.pk, action="rectify", kind="simple", note="整改", on=D("2026-04-30")
    )
    assert c.rectify_due == D("2026-05-11")
    rating_services.case_act(
        user=desk["jfj"], pk=bad.case.pk, action="done", note="已整改", on=D("2026-05-08")
    )
    (row,) = rating_selectors.rating_metrics(user=desk["centre"], year=2026, by="department")
    assert (row["key"], row["closed"], row["participation"]) == (desk["dept"].name, 3, 66.67)
    assert (row["m"].good_rate, row["m"].bad_rate, row["m"].satisfaction) == (50.0, 50.0, 60.0)
    assert (row["cases"].contact_rate, row["cases"].close_rate, row["cases"].on_time_rate) == (
        100.0,
        0.0,
        100.0,
    )


def test_cases_export_lists_the_follow_up(client, desk):
    import io

    from django.urls import reverse

    from tests.xlsx import read_xlsx

    r = closed_request(desk)
    rating = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=1, reasons=["办事效率"], on=D("2026-04-30")
    )
    for action, kw in [
        ("contact", {"method": "电话"}),
        ("rectify", {"kind": "simple", "note": "整改"}),
        ("done", {"note": "完成"}),
    ]:
        rating_services.case_act(user=desk["jfj"], pk=rating.case.pk, action=action, on=D("2026-05-06"), **kw)
    rating_services.case_act(
        user=desk["qiye"], pk=rating.case.pk, action="followup", level=4, on=D("2026-05-07")
    )
    client.force_login(desk["centre"])
    rows = read_xlsx(io.BytesIO(client.get(reverse("ratings:cases"), {"export": "xlsx"}).content))
    assert rows[1][0] == "2026-04-30"
    assert rows[1][2] == "非常不满意"
    assert rows[1][-1] == "满意"


@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need PostgreSQL (SQLite serialises every write)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_request_number(desk):
    """Eight submissions at the same moment (one thread and connection each) get eight different numbers of the
    month's series, SQ2026090001 … SQ2026090008; before the series was locked, two read the same maximum."""
    import threading

    from django.db import connection

    cat = Category.objects.get(code="consult")
    barrier, numbers, errors = threading.Barrier(8), [], []

    def one(k: int) -> None:
        try:
            barrier.wait()
            r = services.request_submit(
                user=desk["qiye"],
                enterprise_id=desk["ent"].pk,
                category_id=cat.pk,
                title=f"诉求{k}",
                text="同时提交",
                on=D("2026-09-15"),
            )
            numbers.append(r.number)
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"SQ202609{k:04d}" for k in range(1, 9)]


def test_request_numbers_continue_the_month_series(desk):
    first, second = submit(desk, on="2026-09-30"), submit(desk, on="2026-09-30")
    third = submit(desk, on="2026-10-08")
    assert (first.number, second.number, third.number) == ("SQ2026090001", "SQ2026090002", "SQ2026100001")


# ---- the audit of 好差评 against specs/ratings.md (issue 12, point 6) -----------------------------------------------
def _bad_case(desk, on="2026-04-30"):
    r = closed_request(desk)
    rating = services.rate_request(user=desk["qiye"], pk=r.pk, level=1, reasons=["办事效率"], on=D(on))
    return rating.case


def test_reopening_keeps_the_dissatisfied_follow_up_and_the_case_counts_as_open(desk):
    """Rated 1 on 30 Apr 2026; contacted and classified 立行立改 on 6 May (due 5 WD: 7, 8, 9 (Sat, 调休), 11, 12 →
    12 May); rectified 8 May; follow-up 不满意 on 9 May; the centre re-opens on 11 May (due 12, 13, 14, 15, 18 →
    18 May). The 不满意 follow-up stays and counts: 整改满意率 0/1; the case is open: 整改率 0/1, and it is not
    rectified on time (its old feedback of 8 May no longer counts): 按期整改率 0/1. Rectified again on 14 May and
    rated 满意 on 15 May: 整改率 1/1, 按期 1/1, 整改满意率 1/2 = 50 %."""

    case, jfj = _bad_case(desk), desk["jfj"]
    rating_services.case_act(user=jfj, pk=case.pk, action="contact", method="电话", on=D("2026-05-06"))
    rating_services.case_act(
        user=jfj, pk=case.pk, action="rectify", kind="simple", note="整改", on=D("2026-05-06")
    )
    rating_services.case_act(user=jfj, pk=case.pk, action="done", note="已整改", on=D("2026-05-08"))
    rating_services.case_act(user=desk["qiye"], pk=case.pk, action="followup", level=2, on=D("2026-05-09"))
    case = rating_services.case_act(user=desk["centre"], pk=case.pk, action="reopen", on=D("2026-05-11"))
    assert (case.state, case.rectify_due, case.feedback_on, case.closed_on) == (
        "rectifying",
        D("2026-05-18"),
        None,
        None,
    )
    assert list(case.followups.values_list("level", "on")) == [(2, D("2026-05-09"))]
    assert [e.action for e in case.events.order_by("pk")][-3:] == ["done", "followup", "reopen"]

    def figures():
        (row,) = rating_selectors.rating_metrics(user=desk["centre"], year=2026, by="department")
        c = row["cases"]
        return c.close_rate, c.due, c.on_time_rate, c.followups, c.followup_rate

    assert figures() == (0.0, 1, 0.0, 1, 0.0)
    rating_services.case_act(user=jfj, pk=case.pk, action="done", note="再次整改", on=D("2026-05-14"))
    rating_services.case_act(user=desk["qiye"], pk=case.pk, action="followup", level=4, on=D("2026-05-15"))
    assert figures() == (100.0, 1, 100.0, 2, 50.0)


def test_on_time_rate_counts_the_cases_due_in_the_period_whatever_the_year_of_the_rating(desk):
    """A 差评 of 29 Dec 2025, classified 限期整改 on 30 Dec: 15 WD (31 Dec; 1–3 Jan off; Sun 4 Jan 调休, 5–9,
    12–16, 19, 20, 21 Jan) → due 21 Jan 2026; rectified late on 23 Jan. 2026's 按期整改率 is 0/1; 2025 has no case
    falling due."""

    r = submit(desk, on="2025-12-26")
    c, jfj = desk["centre"], desk["jfj"]
    services.request_dispatch(user=c, pk=r.pk, department_id=desk["dept"].pk, on=D("2025-12-26"))
    services.request_accept(user=jfj, pk=r.pk, on=D("2025-12-26"))
    services.request_answer(user=jfj, pk=r.pk, answer="答复", on=D("2025-12-26"))
    services.request_close(user=c, pk=r.pk, on=D("2025-12-29"))
    case = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=2, reasons=["服务水平"], on=D("2025-12-29")
    ).case
    rating_services.case_act(user=jfj, pk=case.pk, action="contact", method="电话", on=D("2025-12-30"))
    case = rating_services.case_act(
        user=jfj, pk=case.pk, action="rectify", kind="complex", note="台账", on=D("2025-12-30")
    )
    assert case.rectify_due == D("2026-01-21")
    rating_services.case_act(user=jfj, pk=case.pk, action="done", note="已整改", on=D("2026-01-23"))
    (y2025,) = rating_selectors.rating_metrics(user=c, year=2025, by="department")
    assert (y2025["cases"].cases, y2025["cases"].due, y2025["cases"].on_time_rate) == (1, 0, None)
    (y2026,) = rating_selectors.rating_metrics(user=c, year=2026, by="department")
    assert (y2026["cases"].cases, y2026["cases"].due, y2026["cases"].on_time_rate) == (0, 1, 0.0)
    (by_month,) = rating_selectors.rating_metrics(user=c, year=2026, by="month")
    assert (by_month["key"], by_month["cases"].due) == ("2026-01", 1)


def test_a_request_the_centre_closed_itself_is_rated_for_the_centre(desk):
    r = submit(desk, on="2026-04-29")
    services.request_close(
        user=desk["centre"], pk=r.pk, on=D("2026-04-30")
    )  # answered at intake, no department
    rating = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=2, reasons=["办事效率"], on=D("2026-04-30")
    )
    assert (rating.department.code, rating.case.department.code) == ("QFZX", "QFZX")


def test_an_appeal_is_filed_from_verification_on(desk):
    case = _bad_case(desk)
    with pytest.raises(Invalid, match="申诉|appeal"):
        rating_services.case_act(
            user=desk["jfj"], pk=case.pk, action="appeal", note="误评", on=D("2026-05-06")
        )
    case.refresh_from_db()
    assert (case.state, case.appeal_on) == ("assigned", None)
    rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="contact", method="电话", on=D("2026-05-06")
    )
    case = rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="appeal", note="误评", on=D("2026-05-07")
    )
    assert case.state == "appealed"


def test_the_case_board_light_follows_the_steps_own_limit(desk):
    """A 限期整改 case (limit 15 WD) with 3 working days left is yellow (⌈20 % × 15⌉ = 3); under the fixed limit
    of 5 used before it showed green."""
    from django.utils import timezone

    from parkos.core.selectors import working_calendar

    case = _bad_case(desk)
    due = working_calendar().add_working_days(timezone.localdate(), 3)
    BadRatingCase.objects.filter(pk=case.pk).update(state="rectifying", kind="complex", rectify_due=due)
    board = {col["state"]: col["cases"] for col in rating_selectors.case_board(user=desk["centre"])}
    assert [(c.pk, c.light) for c in board["rectifying"]] == [(case.pk, "yellow")]


def test_bad_rating_reasons_come_from_the_standard_list(desk, client):
    r = closed_request(desk)
    with pytest.raises(Invalid, match="标准"):
        services.rate_request(user=desk["qiye"], pk=r.pk, level=1, reasons=["随便写的"], on=D("2026-04-30"))
    client.force_login(desk["qiye"])
    resp = client.post(
        f"/api/v1/services/requests/{r.pk}/rating",
        {"level": 1, "reasons": ["随便写的"]},
        content_type="application/json",
    )
    assert resp.status_code == 422
    assert not Rating.objects.exists()
    rating = services.rate_request(
        user=desk["qiye"], pk=r.pk, level=1, reasons=["平台操作性"], on=D("2026-04-30")
    )
    assert rating.reasons == ["平台操作性"]


@pytest.mark.parametrize("level", [5, 1, 0])
def test_a_follow_up_is_satisfied_basically_satisfied_or_dissatisfied(desk, level):
    case, jfj = _bad_case(desk), desk["jfj"]
    rating_services.case_act(user=jfj, pk=case.pk, action="contact", method="电话", on=D("2026-05-06"))
    rating_services.case_act(
        user=jfj, pk=case.pk, action="rectify", kind="simple", note="整改", on=D("2026-05-06")
    )
    rating_services.case_act(user=jfj, pk=case.pk, action="done", note="已整改", on=D("2026-05-08"))
    with pytest.raises(Invalid, match="满意"):
        rating_services.case_act(
            user=desk["qiye"], pk=case.pk, action="followup", level=level, on=D("2026-05-09")
        )
    assert not Rating.objects.filter(followup_of=case).exists()


def test_participation_leaves_out_upheld_appeals_and_shows_zero_for_unrated_departments(desk):
    """经济发展局 closed two requests, both rated, one 差评 removed by an upheld appeal: 主动评价率 1/2 = 50 %.
    招商局 closed one request and got no rating: its row shows 0.00 (no row before)."""

    a, b = closed_request(desk), closed_request(desk)
    services.rate_request(user=desk["qiye"], pk=a.pk, level=5, on=D("2026-04-30"))
    bad = services.rate_request(user=desk["qiye"], pk=b.pk, level=1, reasons=["服务态度"], on=D("2026-04-30"))
    rating_services.case_act(
        user=desk["jfj"], pk=bad.case.pk, action="contact", method="电话", on=D("2026-05-06")
    )
    rating_services.case_act(
        user=desk["jfj"], pk=bad.case.pk, action="appeal", note="误评", on=D("2026-05-06")
    )
    rating_services.case_act(
        user=desk["centre"], pk=bad.case.pk, action="uphold", note="误评", on=D("2026-05-07")
    )
    other = DepartmentFactory(code="ZSJ", name="招商局")
    zsj = UserFactory(username="zsj", role=Role.DEPT_STAFF, department=other)
    r = submit(desk, on="2026-04-29")
    services.request_dispatch(user=desk["centre"], pk=r.pk, department_id=other.pk, on=D("2026-04-29"))
    services.request_accept(user=zsj, pk=r.pk, on=D("2026-04-29"))
    services.request_answer(user=zsj, pk=r.pk, answer="答复", on=D("2026-04-29"))
    services.request_close(user=desk["centre"], pk=r.pk, on=D("2026-04-30"))
    rows = {row["key"]: row for row in rating_selectors.rating_metrics(user=desk["centre"], year=2026)}
    assert (rows["经济发展局"]["participation"], rows["经济发展局"]["m"].n) == (50.0, 1)
    assert (rows["招商局"]["closed"], rows["招商局"]["participation"], rows["招商局"]["m"].n) == (1, 0.0, 0)


def test_the_strict_good_rate_is_a_setting(desk):
    """Ratings 5 and 3: 好评率 100 % by default (基本满意 counts), 50 % with the strict variant of §5."""

    a, b = closed_request(desk), closed_request(desk)
    services.rate_request(user=desk["qiye"], pk=a.pk, level=5, on=D("2026-04-30"))
    services.rate_request(user=desk["qiye"], pk=b.pk, level=3, on=D("2026-04-30"))
    assert rating_selectors.rating_metrics(user=desk["centre"], year=2026)[0]["m"].good_rate == 100.0
    services.config_update(
        user=UserFactory(username="sys", role=Role.SYSTEM_ADMIN, department=None),
        data={"strict_good_rate": True},
    )
    assert rating_selectors.rating_metrics(user=desk["centre"], year=2026)[0]["m"].good_rate == 50.0


def test_closing_sets_the_revisit_deadline_from_the_setting(desk):
    """Closed Thu 30 Apr 2026, revisit within 3 WD: 1–5 May off → 6, 7, 8 May."""
    r = closed_request(desk)
    assert r.revisit_due == D("2026-05-08")
    ServiceConfig.save_values(
        user=UserFactory(username="cfg", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True),
        data={"revisit_wd": 1},
    )
    assert closed_request(desk).revisit_due == D("2026-05-06")


def test_an_overdue_request_reaches_the_leaders_inbox_once(desk, leader):
    from parkos.core import notify
    from parkos.core.models import Notice

    r = submit(desk, on="2026-09-30")
    services.escalate_overdue(D("2026-10-12"))
    services.escalate_overdue(D("2026-10-13"))
    (n,) = Notice.objects.filter(notify.about(r))
    assert (n.kind, n.url, set(n.recipients.all())) == (
        "servicedesk.request_overdue",
        f"/services/{r.pk}/",
        {leader},
    )
    assert r.number in n.message


def test_staff_cannot_file_a_request_for_an_enterprise_outside_their_scope(desk, client, staff_b):
    """Issue 14 §1: filing for any enterprise id enumerated the registry (the answer named the enterprise). Out of
    scope is 404, names nothing and writes nothing; the service centre files for any enterprise."""
    cat = Category.objects.get(code="consult")
    body = {"enterprise": desk["ent"].pk, "category": cat.pk, "title": "咨询", "text": "政策咨询"}
    client.force_login(staff_b)
    resp = client.post("/api/v1/services/requests", body, content_type="application/json")
    assert resp.status_code == 404
    assert desk["ent"].name not in resp.content.decode()
    assert not Request.objects.exists()
    client.force_login(desk["jfj"])  # the enterprise's own department
    assert client.post("/api/v1/services/requests", body, content_type="application/json").status_code == 201
    client.force_login(desk["centre"])  # the service centre, for any enterprise
    assert client.post("/api/v1/services/requests", body, content_type="application/json").status_code == 201
    assert Request.objects.count() == 2


def test_the_good_rate_tile_is_the_ratings_pages_total_and_open_cases_are_the_boards(desk, client):
    """Ratings 5, 3 and 1 on 30 Apr 2026: 好评率 (基本满意 counts) 2 of 3 = 66.67 % (spec §5 rates have two places); the 1 opens a 差评 case; at
    the end of March nothing was rated yet."""
    for level in (5, 3, 1):
        extra = {"reasons": ["办事效率"], "text": "慢"} if level == 1 else {}
        services.rate_request(
            user=desk["qiye"], pk=closed_request(desk).pk, level=level, on=D("2026-04-30"), **extra
        )
    total = rating_selectors.rating_total(user=desk["centre"], year=2026)
    assert (total.n, total.good_rate) == (3, 66.67)
    tiles = {
        t["key"]: t for t in cockpit.tiles(user=desk["centre"], period=Period(2026), today=D("2026-12-01"))
    }
    assert tiles["ratings.good_rate"]["value"] == total.good_rate
    assert tiles["ratings.open_cases"]["value"] == 1
    assert tiles["ratings.open_cases"]["alarm"] is True
    march = cockpit.tiles(user=desk["centre"], period=Period(2026, month=3), today=D("2026-12-01"))
    assert next(t for t in march if t["key"] == "ratings.good_rate")["value"] is None
    client.force_login(desk["centre"])
    page = client.get(f"{reverse('ratings:ratings')}?year=2026").content.decode()
    foot = page[page.index('id="metrics-total"') :]
    assert "66.67" in foot[: foot.index("</tr>")]
    # the enterprise sees neither tile
    keys = {t["key"] for t in cockpit.tiles(user=desk["qiye"], period=Period(2026), today=D("2026-12-01"))}
    assert not keys & {"ratings.good_rate", "ratings.open_cases"}
