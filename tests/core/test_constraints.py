"""Bad input gets a Chinese message on the field, never a database constraint's name (issue 13 §9)."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone, translation

from parkos.core.models import FieldCheck

CONSTRAINTS = [
    (model, c)
    for model in apps.get_models()
    if model.__module__.startswith("parkos")
    for c in model._meta.constraints
]


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=lambda x: getattr(x, "name", ""))
def test_every_constraint_says_what_is_wrong_in_chinese(model, constraint):
    with translation.override("zh-hans"):
        message = str(constraint.get_violation_error_message())
    assert constraint.name not in message
    assert not message.isascii(), message  # translated, not Django's "Constraint “…” is violated."


def test_a_check_on_one_field_puts_its_message_on_that_field(client_staff_a, ent_a):
    form = client_staff_a.get(f"/enterprises/{ent_a.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"id", "uscc"}}
    data.update(
        {"park": ent_a.park_id, "owner": ent_a.owner_id, "established_on": "2015-06-01", "version": 1}
    )
    data["registered_capital"] = "-5"
    r = client_staff_a.post(f"/enterprises/{ent_a.pk}/edit/", data)
    page = r.content.decode()
    assert r.status_code == 200
    assert r.context["form"].errors["registered_capital"] == ["注册资本不能为负数。"]
    assert "ent_capital_nonneg" not in page
    assert "注册资本不能为负数" in page
    ent_a.refresh_from_db()
    assert ent_a.registered_capital >= 0


def test_a_date_established_in_the_future_is_refused(client_staff_a, ent_a):
    form = client_staff_a.get(f"/enterprises/{ent_a.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"id", "uscc"}}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data.update({"park": ent_a.park_id, "owner": ent_a.owner_id, "established_on": tomorrow, "version": 1})
    r = client_staff_a.post(f"/enterprises/{ent_a.pk}/edit/", data)
    assert r.status_code == 200
    assert "不能晚于今天" in r.context["form"].errors["established_on"][0]
    ent_a.refresh_from_db()
    assert ent_a.established_on != tomorrow


def test_field_checks_name_a_field_of_their_model():
    for model, c in CONSTRAINTS:
        if isinstance(c, FieldCheck):
            assert model._meta.get_field(c.field)
