"""Investment and chain pages: each renders for the people who use it, lists are bounded in queries, Excel goes out
and back in, and the forbidden paths answer 404."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.chains.models import Chain, Node, Target
from parkos.core.imports import import_file
from parkos.investment import services
from parkos.investment.models import Lead, LeadConflict
from tests.xlsx import read_xlsx, write_xlsx

pytestmark = pytest.mark.django_db


def lead(user, team, name, **kw):
    decision = kw.pop("decision", "separate")
    return services.lead_create(
        user=user, data={"investor_name": name, "title": "项目", "team": team, **kw}, decision=decision
    )


@pytest.fixture
def many(u1, team1):
    for i in range(30):
        lead(u1, team1, f"测试{i:03d}号投资有限公司", amount=Decimal(1000 + i))
    return team1


def test_every_page_renders_for_a_team_member(client, u1, u2, team1, team2, head):
    a = lead(u1, team1, "三一重工股份有限公司")
    lead(u2, team2, "三一重工集团", decision="conflict")
    m = services.meeting_save(user=head, data={"title": "联席会议", "held_on": dt.date.today()})
    client.force_login(u1)
    for url in [
        reverse("investment:board"),
        reverse("investment:leads"),
        reverse("investment:create"),
        reverse("investment:lead", args=[a.pk]),
        reverse("investment:edit", args=[a.pk]),
        reverse("investment:conflicts"),
        reverse("investment:meetings"),
        reverse("investment:meeting", args=[m.pk]),
        reverse("investment:events"),
        reverse("investment:rankings"),
        reverse("chains:list"),
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
    r = client.get(reverse("investment:conflicts"))
    assert (
        "三一重工集团" in r.content.decode()
    )  # the other team's investor name, as far as the conflict needs


def test_lists_do_a_bounded_number_of_queries(client, u1, many):
    client.force_login(u1)
    for url in [reverse("investment:leads"), reverse("investment:board")]:
        with CaptureQueriesContext(connection) as few:
            client.get(url, {"page": 1})
        for i in range(30, 60):
            lead(u1, many, f"追加{i:03d}号实业有限公司")
        with CaptureQueriesContext(connection) as more:
            client.get(url, {"page": 1})
        assert len(more) == len(few), url


def test_another_teams_lead_and_enterprise_users_get_404(client, u1, u2, team1, team2, ent_user_a):
    a = lead(u1, team1, "甲方")
    client.force_login(u2)
    for name in ["investment:lead", "investment:edit", "investment:sign"]:
        assert client.get(reverse(name, args=[a.pk])).status_code == 404
    r = client.post(reverse("investment:move", args=[a.pk]), {"stage": "contact"})
    assert r.status_code in (302, 404)
    assert Lead.objects.get(pk=a.pk).stage == "clue"
    client.force_login(ent_user_a)
    for url in [
        reverse("investment:board"),
        reverse("investment:leads"),
        reverse("chains:list"),
        reverse("investment:lead", args=[a.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_export_then_import_changes_nothing_and_new_rows_are_checked(client, u1, team1, many, tmp_path):
    client.force_login(u1)
    r = client.get(reverse("investment:leads"), {"export": "xlsx"})
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][:3] == ["线索编号", "企业名称", "统一社会信用代码"]
    assert len(rows) == 31
    path = tmp_path / "back.xlsx"
    path.write_bytes(r.content)
    report = import_file(kind="investment-leads", source=str(path), user=u1)
    assert (report.ok, report.created, report.updated) == (True, 0, 0), report.errors
    new = write_xlsx(
        tmp_path / "new.xlsx",
        ["企业名称", "项目名称", "招商小分队", "计划投资(万元)"],
        [
            ["新来的甲投资有限公司", "甲项目", "T1", 100],
            ["新来的甲投资股份有限公司", "甲二期", "T1", 50],
            ["测试001号投资有限公司", "重复", "T1", 1],
            ["好的乙科技有限公司", "乙", "T9", 1],
        ],
    )
    report = import_file(kind="investment-leads", source=str(new), user=u1)
    msgs = {(e["row"], e["message"]) for e in report.errors}
    assert not report.ok
    assert any(row == 3 and "第 2 行" in m or row == 3 and "2" in m for row, m in msgs)
    assert any(row == 4 and "#" in m for row, m in msgs)
    assert any(row == 5 and "T9" in m for row, m in msgs)
    assert Lead.objects.count() == 30


def test_import_of_another_teams_investor_opens_a_conflict(u1, u2, team1, team2, tmp_path):
    lead(u1, team1, "华为技术有限公司")
    f = write_xlsx(
        tmp_path / "t2.xlsx",
        ["企业名称", "项目名称", "招商小分队"],
        [["华为技术（湖南）有限公司", "鲲鹏", "二分队"]],
    )
    report = import_file(kind="investment-leads", source=str(f), user=u2)
    assert (report.ok, report.created) == (True, 1), report.errors
    c = LeadConflict.objects.get()
    assert (c.claim.team, c.other.team) == (team2, team1)


def test_board_drop_moves_through_the_service(client, u1, team1):
    a = lead(u1, team1, "甲方")
    client.force_login(u1)
    r = client.post(
        reverse("investment:move", args=[a.pk]),
        {"stage": "contact", "version": a.version},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "首次接触" in r.content.decode()  # refused: no contact logged yet, said on the board
    services.activity_add(user=u1, pk=a.pk, on=dt.date.today(), kind="call", summary="电话")
    a.refresh_from_db()
    r = client.post(
        reverse("investment:move", args=[a.pk]),
        {"stage": "contact", "version": a.version},
        HTTP_HX_REQUEST="true",
    )
    assert Lead.objects.get(pk=a.pk).stage == "contact"
    assert f'id="card-{a.pk}"' in r.content.decode()


def test_targets_become_leads_in_one_click(client, u1, team1, admin):
    c = Chain.objects.create(name="集成电路", code="JCDL")
    n = Node.objects.create(chain=c, name="功率半导体")
    t1 = Target.objects.create(node=n, name="英飞凌科技（中国）有限公司", is_foreign=True, region="德国")
    lead(u1, team1, "英飞凌科技股份公司")  # already followed
    t2 = Target.objects.create(node=n, name="斯达半导体股份有限公司")
    client.force_login(u1)
    r = client.post(reverse("investment:from_targets"), {"target": [t1.pk, t2.pk]}, follow=True)
    assert r.status_code == 200
    made = Lead.objects.get(target=t2)
    assert (made.node, made.team, made.investor_name) == (n, team1, "斯达半导体股份有限公司")
    assert not Lead.objects.filter(target=t1).exists()
    assert "英飞凌" in r.content.decode()


def test_chain_pages(client, u1, admin):
    c = Chain.objects.create(name="工程机械", code="GCJX")
    root = Node.objects.create(chain=c, name="整机")
    Node.objects.create(chain=c, parent=root, name="液压件")
    client.force_login(u1)
    for url in [reverse("chains:detail", args=[c.pk]), reverse("chains:node", args=[root.pk])]:
        assert client.get(url).status_code == 200
    r = client.get(reverse("chains:detail", args=[c.pk]), {"export": "xlsx"})
    rows = read_xlsx(io.BytesIO(r.content))
    assert [x[0] for x in rows[1:]] == ["工程机械/整机", "工程机械/液压件"]


def test_new_lead_form_with_referral_and_duplicate_warning(client, u1, team1, ent_a):
    client.force_login(u1)
    url = reverse("investment:create")
    data = {
        "investor_name": "博世力士乐（常州）有限公司",
        "title": "液压件基地",
        "team": team1.pk,
        "source": "referral",
        "referrer_uscc": "91430100MA4L0X0000",
    }
    r = client.post(url, data)
    assert "企业库中没有该统一社会信用代码的企业" in r.content.decode()
    r = client.post(url, {**data, "referrer_uscc": ent_a.uscc})
    lead = Lead.objects.get()
    assert r.status_code == 302
    assert (lead.referrer, lead.source, lead.officer) == (ent_a, "referral", u1)
    r = client.post(url, {**data, "investor_name": "博世力士乐有限公司", "referrer_uscc": ""})
    page = r.content.decode()
    assert 'id="duplicate-table"' in page
    assert 'id="to-meeting"' not in page  # the same team: nothing to take to the joint meeting
    r = client.post(
        url, {**data, "investor_name": "博世力士乐有限公司", "referrer_uscc": "", "decision": "separate"}
    )
    assert Lead.objects.count() == 2


def test_events_list_the_leads_they_produced(client, u1, team1):
    ev = services.event_save(
        user=u1, data={"name": "长三角集成电路对接会", "kind": "yrd", "start_on": dt.date(2026, 6, 1)}
    )
    lead(u1, team1, "活动来的芯片公司", source="event", event=ev)
    lead(u1, team1, "自己找的公司")
    client.force_login(u1)
    page = client.get(reverse("investment:events")).content.decode()
    assert f"event={ev.pk}" in page
    r = client.get(reverse("investment:leads"), {"state": "all", "event": ev.pk})
    assert [x.investor_name for x in r.context["page"]] == ["活动来的芯片公司"]


def test_drop_on_signed_opens_the_signing_form(client, u1, team1):
    a = lead(u1, team1, "甲方", amount=Decimal(5000))
    Lead.objects.filter(pk=a.pk).update(stage="negotiation")
    client.force_login(u1)
    r = client.post(reverse("investment:move", args=[a.pk]), {"stage": "signed"}, HTTP_HX_REQUEST="true")
    assert r["HX-Redirect"] == reverse("investment:sign", args=[a.pk])


def test_rankings_export_scores_and_grades(client, leader, u1, team1):
    a = lead(u1, team1, "甲方")
    Lead.objects.filter(pk=a.pk).update(
        stage="signed", signed_on=dt.date(2026, 4, 2), signed_amount=Decimal(120000)
    )
    client.force_login(leader)
    r = client.get(reverse("investment:rankings"), {"year": 2026, "export": "xlsx"})
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][:2] == ["名次", "小分队/人员"]
    assert rows[0][-2:] == ["全年得分", "档次"]
    t1 = next(x for x in rows[1:] if x[1] == team1.name)
    assert (t1[5], t1[-2], t1[-1]) == (20, 20, "D")  # ≥ 10 亿 band in April; default grades: D below 30


def test_settings_change_threshold_and_scheme(client, admin, u1, team1):
    client.force_login(admin)
    r = client.post(
        reverse("investment:settings"),
        {"duplicate_threshold": 70, "neglect_days": 30, "region_names": "松雅湖"},
    )
    assert r.status_code == 302
    lead(u1, team1, "松雅湖蓝思科技有限公司")
    with pytest.raises(services.DuplicateFound):  # the zone's own place name is left out now
        services.lead_create(
            user=u1, data={"investor_name": "蓝思科技股份有限公司", "title": "x", "team": team1}
        )
    r = client.post(
        reverse("investment:settings"),
        {
            "scheme": "1",
            "year": "2026",
            "bands": "[[0, 1], [50000, 7]]",
            "grades": '[["A", 10], ["B", null]]',
            "per_10k_funds": "0.002",
            "top500": "3",
            "foreign": "2",
            "headquarters": "2",
            "gap_filled": "1",
            "neglect": "4",
        },
    )
    assert r.status_code == 302
    from parkos.investment.models import ScoringScheme

    s = ScoringScheme.objects.get(year=2026)
    assert (s.bands, s.grades, s.neglect) == (
        [[0.0, 1.0], [50000.0, 7.0]],
        [["A", 10.0], ["B", None]],
        Decimal(4),
    )
    client.force_login(u1)
    assert client.get(reverse("investment:settings")).status_code == 404


def test_chain_editing_pages(client, admin, ent_a):
    client.force_login(admin)
    r = client.post(reverse("chains:create"), {"name": "新能源汽车", "code": "XNY", "order": 1})
    chain = Chain.objects.get(code="XNY")
    r = client.post(
        reverse("chains:node_create", args=[chain.pk]),
        {"name": "动力电池", "segment": "component", "is_key": "on", "order": 0},
    )
    node = Node.objects.get(chain=chain)
    assert r.status_code == 302
    client.post(reverse("chains:placement", args=[node.pk]), {"uscc": ent_a.uscc, "is_leader": "on"})
    assert node.placements.get().is_leader
    client.post(
        reverse("chains:target_add", args=[node.pk]),
        {"name": "宁德时代新能源科技股份有限公司", "region": "福建宁德"},
    )
    assert node.targets.get().region == "福建宁德"
    r = client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {"name": "动力电池", "segment": "component", "parent": node.pk, "order": 0},
    )
    assert "上级节点须为同一产业链中" in r.content.decode()


def test_teams_are_managed_on_the_settings_page(client, admin, tcj, u1):
    from parkos.investment.models import Team

    client.force_login(admin)
    r = client.post(
        reverse("investment:settings"),
        {
            "team_form": "1",
            "name": "招商三分队",
            "code": "T3",
            "department": tcj.pk,
            "leader": u1.pk,
            "members": [u1.pk],
        },
    )
    assert r.status_code == 302
    t = Team.objects.get(code="T3")
    assert (t.leader, list(t.members.all())) == (u1, [u1])
    client.post(
        reverse("investment:settings"),
        {
            "team_form": "1",
            "team_pk": t.pk,
            "name": "招商三分队（新材料）",
            "code": "T3",
            "department": tcj.pk,
            "members": [],
        },
    )
    t.refresh_from_db()
    assert (t.name, t.members.count()) == ("招商三分队（新材料）", 0)


def test_conflict_decision_page_parses_shares_refuses_bad_ones_and_never_redirects_outside(
    client, u1, u2, team1, team2, head
):
    from parkos.investment.models import LeadConflict, Share
    from tests.investment.test_services import new_lead

    new_lead(u1, team1)
    claim = new_lead(u2, team2, name="三一重工集团", decision="conflict")
    c = LeadConflict.objects.get()
    client.force_login(head)
    url = reverse("investment:decide", args=[c.pk])
    r = client.post(
        url, {"owner_team": team2.pk, f"share_{team2.pk}": "abc", "next": "https://evil.example/"}
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("investment:conflicts")
    assert LeadConflict.objects.get().status == LeadConflict.Status.OPEN  # nothing written
    r = client.post(url, {"owner_team": team2.pk, f"share_{team2.pk}": "abc"}, follow=True)
    assert "分成比例（%）：输入一个数字。" in r.text  # the field and the reason, in Chinese
    r = client.post(
        url,
        {
            "owner_team": team2.pk,
            f"share_{team2.pk}": "60",
            f"share_{team1.pk}": "40",
            "next": "//evil.example/x",
        },
    )
    assert r["Location"] == reverse("investment:conflicts")
    assert LeadConflict.objects.get().status == LeadConflict.Status.DECIDED
    assert sorted(Share.objects.filter(lead=claim).values_list("team_id", "pct")) == sorted(
        [(team2.pk, 60), (team1.pk, 40)]
    )
