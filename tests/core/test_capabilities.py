"""Office powers are capability grants: declared by the apps, granted only by system administrators (never to
themselves), held by a department or one user, and what the old per-app flags decided now comes from them."""

import pytest

from parkos.core import capabilities, registries
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import CapabilityGrant, Role, User
from parkos.investment.models import is_coordinator
from parkos.servicedesk.models import is_service_centre
from parkos.workplan.models import is_supervisor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_apps_declare_their_offices():
    assert {
        "servicedesk.centre",
        "workplan.supervision",
        "investment.joint_meeting",
        "projects.reform_office",
    } <= set(registries.capabilities.keys())


def test_a_department_grant_makes_its_staff_the_office(admin, dept_a, staff_a, staff_b):
    assert not is_service_centre(staff_a)
    capabilities.grant(actor=admin, key="servicedesk.centre", department_id=dept_a.pk)
    staff_a = User.objects.get(pk=staff_a.pk)  # the next request: its user reads the grants again
    assert (is_service_centre(staff_a), is_service_centre(staff_b)) == (True, False)
    assert capabilities.department_ids("servicedesk.centre") == [dept_a.pk]
    assert capabilities.user_ids("servicedesk.centre") == {staff_a.pk}


def test_a_role_limited_office_holds_only_for_that_role(admin, dept_a, staff_a):
    head = UserFactory(username="head_a", role=Role.DEPT_ADMIN, department=dept_a)
    capabilities.grant(actor=admin, key="investment.joint_meeting", department_id=dept_a.pk)
    assert (is_coordinator(head), is_coordinator(staff_a)) == (True, False)


def test_a_grant_to_one_user(admin, staff_b):
    capabilities.grant(actor=admin, key="workplan.supervision", user_id=staff_b.pk)
    assert is_supervisor(staff_b)


def test_only_a_system_administrator_grants_and_never_to_themselves(admin, dept_a, dept_b):
    head = UserFactory(username="head_a", role=Role.DEPT_ADMIN, department=dept_a)
    with pytest.raises(Forbidden):
        capabilities.grant(actor=head, key="servicedesk.centre", department_id=dept_a.pk)
    with pytest.raises(Forbidden):
        capabilities.grant(actor=admin, key="servicedesk.centre", user_id=admin.pk)
    sysadmin_a = UserFactory(username="sys_a", role=Role.SYSTEM_ADMIN, department=dept_a)
    with pytest.raises(Forbidden):
        capabilities.grant(actor=sysadmin_a, key="servicedesk.centre", department_id=dept_a.pk)
    assert not CapabilityGrant.objects.exists()
    with pytest.raises(Invalid):
        capabilities.grant(actor=admin, key="no.such.office", department_id=dept_b.pk)
    capabilities.grant(actor=admin, key="servicedesk.centre", department_id=dept_b.pk)
    with pytest.raises(Invalid):
        capabilities.grant(actor=admin, key="servicedesk.centre", department_id=dept_b.pk)
    assert CapabilityGrant.objects.count() == 1


def test_a_department_administrator_cannot_make_their_department_the_joint_meeting_office(client, dept_a):
    """The investment settings form no longer carries the office: posting it as before grants nothing."""
    head = UserFactory(username="head_a", role=Role.DEPT_ADMIN, department=dept_a)
    client.force_login(head)
    client.post(
        "/investment/settings/", {"duplicate_threshold": 90, "neglect_days": 60, "coordinator": dept_a.pk}
    )
    head.refresh_from_db()
    assert not CapabilityGrant.objects.exists()
    assert not is_coordinator(head)


def test_the_office_powers_page(client, admin, dept_a):
    head = UserFactory(username="head_a", role=Role.DEPT_ADMIN, department=dept_a)
    client.force_login(admin)
    r = client.post("/capabilities/", {"capability": "servicedesk.centre", "department": dept_a.pk})
    assert r.status_code == 302
    page = client.get("/capabilities/").content.decode()
    assert dept_a.name in page
    client.force_login(head)
    assert client.get("/capabilities/").status_code == 200  # read-only for department administrators
    g = CapabilityGrant.objects.get()
    assert client.post("/capabilities/", {"revoke": g.pk}).status_code == 404
    assert CapabilityGrant.objects.filter(pk=g.pk).exists()
    client.force_login(UserFactory(username="plain", role=Role.DEPT_STAFF, department=dept_a))
    assert client.get("/capabilities/").status_code == 404


def test_reading_settings_writes_nothing(client, admin):
    """Opening a settings page on a fresh zone shows the defaults and creates no row (a GET never writes)."""
    from parkos.core.models import ZoneSettings
    from parkos.ratings.models import RatingConfig

    client.force_login(admin)
    for url in (
        "/services/settings/",
        "/investment/settings/",
        "/workplan/rules/",
        "/projects/approvals/flows/",
        "/chains/settings/",
    ):
        assert client.get(url).status_code == 200
    assert ZoneSettings.objects.count() == 0
    assert RatingConfig.get().rating_window_days == 7


def test_zone_settings_are_one_audited_row_per_section_read_from_the_cache(
    admin, staff_a, django_assert_num_queries
):
    from parkos.core.exceptions import Forbidden, Invalid
    from parkos.core.models import ZoneSettings
    from parkos.core.zone_settings import Section
    from parkos.ratings.models import RatingConfig as ServiceConfig  # the 好差评 section

    assert {"servicedesk", "ratings", "projects", "investment", "chains", "workplan"} <= set(Section.registry)
    ServiceConfig.get()
    with django_assert_num_queries(0):  # cached
        assert ServiceConfig.get().case_rectify_simple_wd == 5
    with pytest.raises(Forbidden):
        ServiceConfig.save_values(user=staff_a, data={"case_rectify_simple_wd": 4})
    with pytest.raises(Invalid) as exc:
        ServiceConfig.save_values(user=admin, data={"case_rectify_simple_wd": -1})
    assert "case_rectify_simple_wd" in exc.value.fields
    v = ServiceConfig.save_values(user=admin, data={"case_rectify_simple_wd": 4, "strict_good_rate": True})
    assert (v.case_rectify_simple_wd, v.strict_good_rate, v.rating_window_days, v.version) == (4, True, 7, 1)
    row = ZoneSettings.objects.get(section="ratings")
    assert row.history.first().history_user == admin
    assert ServiceConfig.get().case_rectify_simple_wd == 4  # the cache was refreshed on save
    ServiceConfig.save_values(user=admin, data={"strict_good_rate": False})
    assert (ServiceConfig.get().strict_good_rate, ServiceConfig.get().case_rectify_simple_wd) == (False, 4)
