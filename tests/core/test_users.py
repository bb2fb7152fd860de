import io

import pytest
from django.http import Http404

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role, User
from parkos.core.users import user_create, user_list, user_update
from tests.factories import UserFactory
from tests.xlsx import read_xlsx


@pytest.fixture
def dept_admin_a(dept_a):
    return UserFactory(username="admin_a", role=Role.DEPT_ADMIN, department=dept_a)


def test_department_admin_sees_own_department_and_its_enterprise_users(
    dept_admin_a, staff_a, staff_b, ent_user_a
):
    assert set(user_list(actor=dept_admin_a).values_list("username", flat=True)) == {
        "admin_a",
        "staff_a",
        "qiye_a",
    }


def test_staff_cannot_manage_users(staff_a, client_staff_a):
    assert not user_list(actor=staff_a).exists()
    assert client_staff_a.get("/users/").status_code == 404
    with pytest.raises(Forbidden):
        user_create(
            actor=staff_a,
            data={"username": "x", "role": Role.DEPT_STAFF, "department": staff_a.department},
            password="Long-enough-1",
        )


def test_department_admin_creates_staff_only_in_own_department(dept_admin_a, dept_a, dept_b):
    u = user_create(
        actor=dept_admin_a,
        data={"username": "new_staff", "role": Role.DEPT_STAFF, "department": dept_a},
        password="Long-enough-1",
    )
    assert u.check_password("Long-enough-1")
    assert u.history.first().history_user == dept_admin_a
    with pytest.raises(Forbidden):
        user_create(
            actor=dept_admin_a,
            data={"username": "spy", "role": Role.DEPT_STAFF, "department": dept_b},
            password="Long-enough-1",
        )
    with pytest.raises(Forbidden):
        user_create(
            actor=dept_admin_a, data={"username": "boss", "role": Role.LEADER}, password="Long-enough-1"
        )
    assert not User.objects.filter(username__in=["spy", "boss"]).exists()


def test_enterprise_user_needs_an_enterprise_in_scope(dept_admin_a, ent_a, ent_b):
    u = user_create(
        actor=dept_admin_a,
        data={"username": "qy", "role": Role.ENTERPRISE},
        password="Long-enough-1",
        enterprise=ent_a,
    )
    assert (u.enterprise_account.enterprise, u.department) == (ent_a, None)
    with pytest.raises(Forbidden):
        user_create(
            actor=dept_admin_a,
            data={"username": "qy2", "role": Role.ENTERPRISE},
            password="Long-enough-1",
            enterprise=ent_b,
        )
    with pytest.raises(Invalid):
        user_create(
            actor=dept_admin_a, data={"username": "qy3", "role": Role.ENTERPRISE}, password="Long-enough-1"
        )


def test_weak_password_and_taken_name_are_refused(dept_admin_a, dept_a, staff_a):
    with pytest.raises(Invalid) as exc:
        user_create(
            actor=dept_admin_a,
            data={"username": "w", "role": Role.DEPT_STAFF, "department": dept_a},
            password="short",
        )
    assert "password" in exc.value.fields
    with pytest.raises(Invalid):
        user_create(
            actor=dept_admin_a,
            data={"username": "staff_a", "role": Role.DEPT_STAFF, "department": dept_a},
            password="Long-enough-1",
        )


def test_deactivate_and_out_of_scope(dept_admin_a, staff_a, staff_b):
    user_update(actor=dept_admin_a, pk=staff_a.pk, data={"is_active": False})
    staff_a.refresh_from_db()
    assert staff_a.is_active is False
    with pytest.raises(Http404):
        user_update(actor=dept_admin_a, pk=staff_b.pk, data={"is_active": False})
    with pytest.raises(Forbidden):
        user_update(actor=dept_admin_a, pk=dept_admin_a.pk, data={"is_active": False})


def test_user_pages_create_edit_and_export(client, dept_admin_a, dept_a, ent_a):
    client.force_login(dept_admin_a)
    r = client.post(
        "/users/new/",
        {
            "username": "qiye_new",
            "display_name": "企业新用户",
            "role": "enterprise",
            "enterprise_uscc": ent_a.uscc.lower(),
            "is_active": "on",
            "password": "Long-enough-1",
        },
    )
    u = User.objects.get(username="qiye_new")
    assert r.url == f"/users/{u.pk}/"
    assert u.enterprise_account.enterprise == ent_a
    page = client.get(f"/users/{u.pk}/").content.decode()
    assert "企业新用户" in page
    assert 'id="history"' in page
    rows = read_xlsx(io.BytesIO(client.get("/users/", {"export": "xlsx", "role": "enterprise"}).content))
    assert rows[0][:3] == ["用户名", "显示名", "角色"]
    assert [r[0] for r in rows[1:]] == ["qiye_new"]


def test_createsuperuser_makes_a_system_administrator(db):
    from parkos.core.models import User

    user = User.objects.create_superuser("root", "root@example.cn", "Secret-pass-123")
    assert (user.role, user.department, user.is_zone_wide) == ("system_admin", None, True)
