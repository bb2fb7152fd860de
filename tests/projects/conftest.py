import datetime as dt

import pytest

from parkos.core.models import Department, Role
from parkos.projects import services
from parkos.projects.catalogue import install_defaults
from parkos.projects.models import ItemInstance
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def catalogue(db):
    install_defaults()
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def spj_staff(catalogue):
    return UserFactory(username="spj_staff", role=Role.DEPT_STAFF, department=catalogue["SPJ"])


@pytest.fixture
def spj_head(catalogue):
    return UserFactory(username="spj_head", role=Role.DEPT_ADMIN, department=catalogue["SPJ"])


@pytest.fixture
def ghj_staff(catalogue):
    return UserFactory(username="ghj_staff", role=Role.DEPT_STAFF, department=catalogue["GHJ"])


@pytest.fixture
def project(catalogue, ent_a, admin):
    p = ProjectFactory(investor=ent_a, lead_department=ent_a.owner, registered_on=dt.date(2026, 1, 5))
    services.approvals_start(user=admin, pk=p.pk)
    return p


def item(project, code) -> ItemInstance:
    return ItemInstance.objects.get(project=project, item__code=code)
