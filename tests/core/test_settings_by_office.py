"""Zone-wide settings belong to an office (issue 14 §1): every settings section names the capability of the office
whose administrators change it; system administrators change every one; a department administrator whose
department does not hold it — and a leader — change none, and cannot make themselves the holder."""

import pytest

from parkos.core import capabilities, registries
from parkos.core.exceptions import Forbidden
from parkos.core.models import CapabilityGrant, Role, User, ZoneSettings
from parkos.core.zone_settings import Section
from tests.factories import DepartmentFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_a(dept_a):
    return UserFactory(username="head_a", role=Role.DEPT_ADMIN, department=dept_a)


def _fresh(user):
    return User.objects.get(pk=user.pk)  # the next request: the grants are read again


def _one_change(section) -> dict:
    """A valid change to the section's first field (its default, which is always valid)."""
    name, field = next(iter(section.base_fields.items()))
    return {name: field.initial}


def test_every_settings_section_belongs_to_a_declared_office():
    assert set(Section.registry) >= {"projects", "servicedesk", "ratings", "workplan", "chains", "investment"}
    for key, section in Section.registry.items():
        assert section.capability in registries.capabilities, key


@pytest.mark.parametrize("key", ["projects", "servicedesk", "ratings", "workplan", "chains", "investment"])
def test_a_section_is_changed_by_its_office_and_system_administrators_only(
    key, admin, leader, head_a, dept_b
):
    section = Section.registry[key]
    head_b = UserFactory(username="head_b", role=Role.DEPT_ADMIN, department=dept_b)
    for outsider in (head_a, head_b, leader):
        assert not section.may_change(outsider)
        with pytest.raises(Forbidden):
            section.save_values(user=outsider, data=_one_change(section))
    assert not ZoneSettings.objects.filter(section=key).exists()
    grant(section.capability, head_a.department)
    assert section.may_change(_fresh(head_a))
    assert not section.may_change(_fresh(head_b))
    section.save_values(user=_fresh(head_a), data=_one_change(section))
    section.save_values(user=admin, data=_one_change(section))
    assert ZoneSettings.objects.get(section=key).version == 2


def test_staff_of_the_holding_department_do_not_change_its_settings(dept_a, staff_a):
    grant("servicedesk.centre", dept_a)
    assert capabilities.holds(_fresh(staff_a), "servicedesk.centre")  # they act as the centre …
    assert not Section.registry["servicedesk"].may_change(_fresh(staff_a))  # … but configure nothing


@pytest.mark.parametrize(
    ("url", "data", "key"),
    [
        ("/investment/settings/", {"duplicate_threshold": "80", "regions": "湖南"}, "investment"),
        ("/services/settings/", {"first_response_wd": "9"}, "servicedesk"),
        ("/chains/settings/", {"min_enterprises": "7"}, "chains"),
    ],
)
def test_a_department_administrator_posting_the_settings_page_gets_404_and_writes_nothing(
    client, head_a, url, data, key
):
    client.force_login(head_a)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not ZoneSettings.objects.filter(section=key).exists()
    assert not CapabilityGrant.objects.exists()


def test_the_settings_link_shows_only_to_who_may_follow_it(client, head_a, admin, dept_b):
    grant("investment.joint_meeting", dept_b)
    client.force_login(head_a)
    assert "/investment/settings/" not in client.get("/investment/").content.decode()
    client.force_login(admin)
    assert "/investment/settings/" in client.get("/investment/").content.decode()


def test_efficiency_schemes_and_class_policies_belong_to_the_evaluation_office(admin, head_a, dept_b, leader):
    from parkos.efficiency import levers, services
    from parkos.efficiency.models import ClassPolicy, EvaluationRun, EvaluationScheme

    for outsider in (head_a, leader):
        with pytest.raises(Forbidden):
            services.evaluation_run_create(user=outsider, year=2025)
        with pytest.raises(Forbidden):
            services.scheme_save(user=outsider, year=2025, config={}, profile="", version=None)
        with pytest.raises(Forbidden):
            levers.policy_set(user=outsider, year=2025, klass="A", version=None, data={})
    assert not EvaluationRun.objects.exists()
    assert not EvaluationScheme.objects.exists()
    assert not ClassPolicy.objects.exists()
    grant("efficiency.office", head_a.department)
    levers.policy_set(user=_fresh(head_a), year=2025, klass="A", version=None, data={})
    assert ClassPolicy.objects.filter(year=2025, klass="A").exists()
    head_b = UserFactory(username="head_b", role=Role.DEPT_ADMIN, department=dept_b)
    with pytest.raises(Forbidden):
        levers.policy_set(user=head_b, year=2025, klass="B", version=None, data={})


def test_investment_teams_and_scoring_scheme_belong_to_the_joint_meeting_office(head_a, dept_b):
    from parkos.investment import services
    from parkos.investment.models import ScoringScheme, Team

    with pytest.raises(Forbidden):
        services.team_save(
            user=head_a, data={"name": "自封分队", "code": "X1", "department": head_a.department}
        )
    with pytest.raises(Forbidden):
        services.scheme_save(user=head_a, year=2026, data={"top500": 99})
    assert not Team.objects.exists()
    assert not ScoringScheme.objects.exists()


def test_request_categories_and_approval_catalogue_belong_to_their_offices(head_a, dept_a):
    from parkos.projects import services as projects
    from parkos.projects.models import ApprovalItem
    from parkos.servicedesk import services as desk
    from parkos.servicedesk.models import Category

    with pytest.raises(Forbidden):
        desk.category_save(
            user=head_a, data={"code": "x", "name": "自设类别", "close_wd": 1, "card_close_wd": 1}
        )
    assert not Category.objects.exists()
    item = ApprovalItem.objects.create(
        code="GH-01",
        name="建设工程规划许可",
        department=dept_a,
        stage="STAGE2",
        statutory_limit_wd=20,
        promised_limit_wd=10,
    )
    with pytest.raises(Forbidden):
        projects.approval_item_update(
            user=head_a, pk=item.pk, version=item.version, data={"promised_limit_wd": 1}
        )
    grant("projects.reform_office", dept_a)
    projects.approval_item_update(
        user=_fresh(head_a), pk=item.pk, version=item.version, data={"promised_limit_wd": 5}
    )
    item.refresh_from_db()
    assert item.promised_limit_wd == 5


def test_only_the_chain_office_creates_chains(head_a, dept_b):
    from parkos.chains import services
    from parkos.chains.models import Chain

    with pytest.raises(Forbidden):
        services.chain_save(user=head_a, data={"name": "自建链", "code": "X"})
    assert not Chain.objects.exists()
    grant("chains.office", head_a.department)
    services.chain_save(user=_fresh(head_a), data={"name": "工程机械产业链", "code": "GCJX"})
    assert Chain.objects.count() == 1


def test_nobody_makes_their_own_department_an_office(head_a):
    for key in registries.capabilities.keys():
        with pytest.raises(Forbidden):
            capabilities.set_holder(actor=head_a, key=key, department_id=head_a.department_id)
    assert not CapabilityGrant.objects.exists()


def test_a_new_department_holds_nothing(admin):
    dept = DepartmentFactory(code="NEW", name="新设部门")
    head = UserFactory(username="head_new", role=Role.DEPT_ADMIN, department=dept)
    assert not any(s.may_change(head) for s in Section.registry.values())
