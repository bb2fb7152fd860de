"""The inbox: every app's notices land in one model, per user, with unread counts in the header, filters, bulk
mark-read limited to one's own, a link to the record, and a daily digest (mail, or a page)."""

import datetime as dt

import pytest
from django.core import mail

from parkos.core import notify, registries
from parkos.core.models import Notice, NoticeRecipient
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _send(
    users, text="甲项目 · 施工许可：已超期", kind="projects.item_light", once="", on="2026-05-15", target=None
):
    return notify.send(
        notify.Message(
            kind=kind,
            recipients={u.pk for u in users},
            message=text,
            on=D(on),
            url="/projects/1/",
            light="red",
            once_key=once,
            target=target,
        )
    )


def test_every_app_registers_its_notice_kinds():
    assert {
        "projects.item_light",
        "projects.problem_overdue",
        "workplan.due_soon",
        "workplan.overdue",
        "servicedesk.request_overdue",
    } <= set(registries.alert_kinds.keys())
    with pytest.raises(ValueError, match="unregistered"):
        notify.send(notify.Message(kind="nope", recipients=set(), message="x", on=D("2026-05-15")))


def test_a_once_key_sends_a_notice_only_once(staff_a, staff_b):
    ent = EnterpriseFactory()
    assert _send([staff_a], once="x:1", target=ent) is not None
    assert _send([staff_a, staff_b], once="x:1", target=ent) is None
    assert _send([staff_b], once="x:2") is not None
    assert Notice.objects.count() == 2
    assert Notice.objects.filter(notify.about(ent)).count() == 1


def test_the_inbox_shows_ones_own_notices_with_the_unread_count(client, staff_a, staff_b):
    _send([staff_a], "给甲的提醒")
    _send([staff_b], "给乙的提醒")
    client.force_login(staff_a)
    page = client.get("/inbox/").content.decode()
    assert "给甲的提醒" in page
    assert "给乙的提醒" not in page
    assert 'id="nav-unread">1<' in page
    assert "/projects/1/" in page


def test_marking_read_touches_only_ones_own(client, staff_a, staff_b):
    mine = _send([staff_a], "甲一")
    _send([staff_a], "甲二")
    theirs = _send([staff_b], "乙一")
    d_theirs = NoticeRecipient.objects.get(notice=theirs)
    d_mine = NoticeRecipient.objects.get(notice=mine)
    client.force_login(staff_a)
    client.post("/inbox/", {"notice": [d_mine.pk, d_theirs.pk]})
    d_mine.refresh_from_db()
    d_theirs.refresh_from_db()
    assert d_mine.read_at is not None
    assert d_theirs.read_at is None
    assert notify.unread_count(user=staff_a) == 1
    client.post("/inbox/", {"all": "1"})
    assert (notify.unread_count(user=staff_a), notify.unread_count(user=staff_b)) == (0, 1)


def test_filters_and_bounded_queries(client, staff_a, django_assert_max_num_queries):
    for k in range(30):
        _send([staff_a], f"审批提醒{k}")
    _send([staff_a], "任务临期", kind="workplan.due_soon")
    client.force_login(staff_a)
    page = client.get("/inbox/", {"kind": "workplan.due_soon"}).content.decode()
    assert "任务临期" in page
    assert "审批提醒" not in page
    assert "审批提醒3" in client.get("/inbox/", {"q": "审批提醒3"}).content.decode()
    with django_assert_max_num_queries(12):
        client.get("/inbox/")


def test_the_daily_digest_mails_each_user_their_unread_notices_of_the_day(staff_a, staff_b):
    staff_a.email, staff_b.email = "a@example.com", ""
    staff_a.save()
    staff_b.save()
    _send([staff_a, staff_b], "今日提醒", on="2026-05-15")
    _send([staff_a], "昨日提醒", on="2026-05-14")
    assert notify.send_digests(D("2026-05-15")) == "1 digests mailed"
    (m,) = mail.outbox
    assert (m.to, "今日提醒" in m.body, "昨日提醒" in m.body) == (["a@example.com"], True, False)


def test_the_digest_page(client, staff_a):
    _send([staff_a], "今日提醒", on="2026-05-15")
    client.force_login(staff_a)
    page = client.get("/inbox/digest/", {"day": "2026-05-15"}).content.decode()
    assert "今日提醒" in page


def test_the_header_dropdown_shows_the_latest_unread_first(client, staff_a, staff_b):
    _send([staff_a], text="旧的已读通知", once="a")
    _send([staff_a], text="新的未读通知", once="b", on="2026-05-10")
    _send([staff_b], text="别人的通知", once="c")
    notify.mark_read(user=staff_a, ids=[NoticeRecipient.objects.get(notice__message="旧的已读通知").pk])
    client.force_login(staff_a)
    html = client.get("/inbox/latest/").content.decode()
    assert html.index("新的未读通知") < html.index("旧的已读通知")
    assert "别人的通知" not in html
    assert "<html" not in html


def test_opening_a_notice_marks_it_read_and_goes_to_its_record(client, staff_a, staff_b):
    _send([staff_a, staff_b], once="x")
    mine = NoticeRecipient.objects.get(user=staff_a)
    client.force_login(staff_a)
    assert notify.waiting(user=staff_a) == {"unread": 1, "red": 1}
    assert client.get(f"/inbox/{mine.pk}/open/").status_code == 405  # reading a link changes nothing
    r = client.post(f"/inbox/{mine.pk}/open/")
    assert r.status_code == 302
    assert r["Location"] == "/projects/1/"
    assert notify.waiting(user=staff_a) == {"unread": 0, "red": 0}
    theirs = NoticeRecipient.objects.get(user=staff_b)
    assert client.post(f"/inbox/{theirs.pk}/open/").status_code == 404
    assert NoticeRecipient.objects.get(pk=theirs.pk).read_at is None  # another's stays unread
