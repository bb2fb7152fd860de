import pytest

from parkos.core.models import Role
from parkos.investment.models import Team
from tests.factories import UserFactory, grant


@pytest.fixture
def tcj(dept_b):
    grant("investment.joint_meeting", dept_b)
    return dept_b


@pytest.fixture
def team1(tcj):
    return Team.objects.create(name="一分队", code="T1", department=tcj)


@pytest.fixture
def team2(tcj):
    return Team.objects.create(name="二分队", code="T2", department=tcj)


@pytest.fixture
def u1(team1, tcj):
    u = UserFactory(username="zhaoshang1", role=Role.DEPT_STAFF, department=tcj, display_name="招商员甲")
    team1.members.add(u)
    return u


@pytest.fixture
def u2(team2, tcj):
    u = UserFactory(username="zhaoshang2", role=Role.DEPT_STAFF, department=tcj, display_name="招商员乙")
    team2.members.add(u)
    return u


@pytest.fixture
def head(tcj):
    """The 投资促进局's administrator: runs the joint meeting."""
    return UserFactory(username="tcj_head", role=Role.DEPT_ADMIN, department=tcj)
