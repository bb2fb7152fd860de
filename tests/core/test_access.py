"""A link only where the user may follow it (issue 13 §2): the template asks the rule the view enforces."""

import pytest
from django.test import Client

from parkos.core import access


def _page(user, url):
    c = Client()
    c.force_login(user)
    return c.get(url)


def test_the_import_links_on_the_chain_page_follow_the_import_pages_rule(leader, staff_a):
    assert access.may_open(leader, "imports") is False
    assert access.may_open(staff_a, "imports") is True
    assert "/imports/?kind=chain-targets" not in _page(leader, "/chains/").content.decode()
    assert _page(leader, "/imports/?kind=chain-targets").status_code == 404
    assert "/imports/?kind=chain-targets" in _page(staff_a, "/chains/").content.decode()
    assert _page(staff_a, "/imports/?kind=chain-targets").status_code == 200


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_my_departments_tasks_only_for_a_department(request, who, staff_a):
    user = request.getfixturevalue(who)
    assert "/workplan/mine/" not in _page(user, "/workplan/").content.decode()
    assert _page(user, "/workplan/mine/").status_code == 404
    assert "/workplan/mine/" in _page(staff_a, "/workplan/").content.decode()
    assert _page(staff_a, "/workplan/mine/").status_code == 200


def test_a_page_without_a_rule_is_open_to_logged_in_users_only(staff_a):
    from django.contrib.auth.models import AnonymousUser

    assert access.may_open(staff_a, "no-such-page") is True
    assert access.may_open(AnonymousUser(), "imports") is False


@pytest.mark.django_db
def test_a_refused_settings_change_names_the_section_refused(leader):
    from parkos.core.exceptions import Forbidden
    from parkos.workplan.models import WorkplanConfig

    with pytest.raises(Forbidden) as refused:
        WorkplanConfig.save_values(user=leader, data={"lag_points": 10})
    assert str(refused.value.message) == f"您无权修改{WorkplanConfig.label}。"
    assert str(WorkplanConfig.label) in str(refused.value.message)
