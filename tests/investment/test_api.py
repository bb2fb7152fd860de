"""The investment and chains API: the same rules as the pages, the duplicate answer as data, and scope."""

import pytest

from parkos.chains.models import Chain, Node
from parkos.investment import services
from parkos.investment.models import Lead, LeadConflict

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_enter_lead_duplicate_answer_and_conflict(client, u1, u2, team1, team2):
    client.force_login(u1)
    r = post(
        client,
        "/api/v1/investment/leads",
        {"investor_name": "蓝思科技股份有限公司", "title": "玻璃盖板", "team": team1.pk},
    )
    assert r.status_code == 201
    first = r.json()["id"]
    client.force_login(u2)
    r = post(
        client,
        "/api/v1/investment/leads",
        {"investor_name": "蓝思科技（长沙）有限公司", "title": "扩产", "team": team2.pk},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "duplicate"
    (m,) = body["extra"]["matches"]
    assert (m["id"], m["score"], m["own"], m["title"]) == (first, 100.0, False, "")
    r = post(
        client,
        "/api/v1/investment/leads",
        {
            "investor_name": "蓝思科技（长沙）有限公司",
            "title": "扩产",
            "team": team2.pk,
            "decision": "conflict",
        },
    )
    assert r.status_code == 201
    assert LeadConflict.objects.get().other_id == first
    assert client.get(f"/api/v1/investment/leads/{first}").status_code == 404
    r = post(client, "/api/v1/investment/check", {"names": ["蓝思科技", "别的公司"]})
    assert [len(x) for x in r.json()] == [2, 0]


def test_move_follows_the_stage_rules_and_lists_are_scoped(client, u1, u2, team1, team2):
    a = services.lead_create(user=u1, data={"investor_name": "甲", "title": "x", "team": team1})
    services.lead_create(user=u2, data={"investor_name": "乙方投资", "title": "y", "team": team2})
    client.force_login(u1)
    r = post(client, f"/api/v1/investment/leads/{a.pk}/move", {"stage": "negotiation"})
    assert r.status_code == 422
    assert "一次推进一个阶段" in r.json()["message"]
    assert [x["id"] for x in client.get("/api/v1/investment/leads").json()["items"]] == [a.pk]
    assert Lead.objects.get(pk=a.pk).stage == "clue"
    assert client.get("/api/v1/investment/scores", {"year": 2026}).status_code == 200


def test_chain_figures_api_and_schema(client, u1, ent_user_a):
    c = Chain.objects.create(name="工程机械", code="GCJX")
    Node.objects.create(chain=c, name="液压件", is_key=True)
    client.force_login(u1)
    body = client.get(f"/api/v1/chains/{c.pk}", {"year": 2025}).json()
    assert (body["chain"]["name"], body["nodes"][0]["name"], body["gaps"]) == (
        "工程机械",
        "液压件",
        [body["nodes"][0]["id"]],
    )
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/investment/leads", "/api/v1/investment/check", "/api/v1/chains/{pk}"} <= set(paths)
    client.force_login(ent_user_a)
    assert client.get(f"/api/v1/chains/{c.pk}").status_code == 404


def test_leads_come_with_labels_beside_their_codes_in_a_bounded_number_of_queries(client, u1, team1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.lead_create(user=u1, data={"investor_name": "甲方一号", "title": "x", "team": team1})
    client.force_login(u1)
    (row,) = client.get("/api/v1/investment/leads").json()["items"]
    assert (row["stage"], row["stage_label"]) == ("clue", "线索")
    assert (row["state"], row["state_label"]) == ("open", "跟进中")
    assert row["officer_name"] == str(u1)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/investment/leads")
    for i in range(4):
        services.lead_create(user=u1, data={"investor_name": f"乙方{i}号投资", "title": "y", "team": team1})
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/investment/leads").json()["items"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_every_api_schema_over_a_model_shows_labels_and_names():
    """A coded field (choices) has `<field>_label` beside it and a foreign key `<field>_name`, in every app."""
    import importlib

    from django.apps import apps
    from ninja import ModelSchema

    missing, seen = [], 0
    for config in apps.get_app_configs():
        if not config.name.startswith("parkos."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, schema in vars(module).items():
            if not (
                isinstance(schema, type) and issubclass(schema, ModelSchema) and schema is not ModelSchema
            ):
                continue
            seen += 1
            for fname in schema.Meta.fields or []:
                field = schema.Meta.model._meta.get_field(fname)
                wanted = f"{fname}_label" if field.choices else f"{fname}_name" if field.is_relation else None
                if wanted and wanted not in schema.model_fields:
                    missing.append(f"{config.label}.{name}.{wanted}")
    assert seen >= 10
    assert missing == []


def test_a_lead_for_a_team_that_is_not_there_is_refused_in_chinese(client, admin, team1):
    client.force_login(admin)
    r = post(client, "/api/v1/investment/leads", {"investor_name": "甲方", "title": "x", "team": 999999})
    assert r.status_code == 422
    (msg,) = r.json()["extra"]["fields"]["team"]
    assert "999999" in msg
    assert "instance" not in msg
