"""Factories for the whole suite: valid USCCs, departments, parks, users of every role."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from parkos.core.models import Department, Park, Role, User
from parkos.demo import make_uscc
from parkos.enterprises.models import (
    AnnualIndicator,
    Contact,
    Enterprise,
    EnterpriseAccount,
    LandParcel,
    MonthlyIndicator,
)

PASSWORD = "Secret-pass-123"


class ParkFactory(DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"片区{n}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.DEPT_STAFF
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc("430121", 10_000_000 + n))
    name = factory.Sequence(lambda n: f"长沙测试{n:05d}机械有限公司")
    industry_code = "3514"
    industry_division = "35"
    park = factory.SubFactory(ParkFactory)
    owner = factory.SubFactory(DepartmentFactory)
    registered_capital = Decimal("1000.00")
    established_on = dt.date(2015, 6, 1)


class LandParcelFactory(DjangoModelFactory):
    class Meta:
        model = LandParcel

    enterprise = factory.SubFactory(EnterpriseFactory)
    certificate_no = factory.Sequence(lambda n: f"湘(2020)长沙县不动产权第{n:07d}号")
    area_mu = Decimal("30.00")


class AnnualIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = AnnualIndicator

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    revenue = Decimal("5000.00")
    tax_paid = Decimal("200.00")
    value_added = Decimal("1200.00")


class MonthlyIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = MonthlyIndicator

    enterprise = factory.SubFactory(EnterpriseFactory)
    month = dt.date(2025, 1, 1)
    output_value = Decimal("400.00")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "王伟"


def enterprise_user(enterprise, username="qiye"):
    user = UserFactory(username=username, role=Role.ENTERPRISE, department=None)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise)
    return user


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Project"

    name = factory.Sequence(lambda n: f"测试重点项目{n}")
    code = factory.Sequence(lambda n: f"2026-430121-34-03-{n:06d}")
    investor = factory.SubFactory(EnterpriseFactory)
    category = "industry"
    level = "city"
    kind = "new"
    investment_type = "industrial"
    total_investment = Decimal("50000.00")
    lead_department = factory.SelfAttribute("investor.owner")
    registered_on = dt.date(2026, 1, 5)


def grant(key: str, department) -> None:
    """Give an office's power (a capability) to a department, as a system administrator would."""
    from parkos.core.models import CapabilityGrant

    CapabilityGrant.objects.get_or_create(capability=key, department=department)


# ---- credit ------------------------------------------------------------------------------------------------------
def samr_class(enterprise, cls: str, as_of=dt.date(2026, 11, 1)):
    from parkos.credit.models import SamrClass

    return SamrClass.objects.create(enterprise=enterprise, cls=cls, as_of=as_of)


def sector_grade(enterprise, scheme: str, grade: str, as_of=dt.date(2026, 4, 1)):
    from parkos.credit.models import SectorGrade

    return SectorGrade.objects.create(enterprise=enterprise, scheme=scheme, grade=grade, as_of=as_of)


class InspectionItemFactory(DjangoModelFactory):
    class Meta:
        model = "credit.InspectionItem"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SJ{n:03d}")
    name = factory.Sequence(lambda n: f"检查事项{n}")
    department = factory.SubFactory(DepartmentFactory)


class InspectorFactory(DjangoModelFactory):
    class Meta:
        model = "credit.Inspector"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"ZF{n:04d}")
    name = factory.Sequence(lambda n: f"执法员{n}")
    department = factory.SubFactory(DepartmentFactory)
    certificate_no = factory.Sequence(lambda n: f"湘执{n:06d}")
    certificate_until = dt.date(2030, 12, 31)
