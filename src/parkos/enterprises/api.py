"""The registry's API: thin handlers over the same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, ModelSchema, Query, Router, Status
from ninja.pagination import paginate

from parkos.core.api import BodySchema, Labelled, Pages, Year, related
from parkos.core.exceptions import Invalid

from . import selectors, services
from .models import ENTERPRISE_FIELDS, AnnualIndicator, Contact, Enterprise, LandParcel, MonthlyIndicator

router = Router(tags=["enterprises"])


class EnterpriseFilterIn(FilterSchema):
    q: str = ""
    park: int | None = None
    industry: str = ""
    flag: str = ""
    status: str = ""
    owner: int | None = None
    sort: str = "name"

    def to_filters(self) -> dict:
        return self.model_dump()


class EnterpriseOut(ModelSchema, metaclass=Labelled):
    park_name: str | None = Field(None, alias="park.name")
    owner_name: str | None = Field(None, alias="owner.name")

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", *ENTERPRISE_FIELDS, "version", "updated_at"]


class EnterpriseIn(BodySchema):
    uscc: str
    name: str
    former_names: str = ""
    legal_representative: str = ""
    registered_capital: Decimal | None = None
    established_on: dt.date | None = None
    industry_code: str = ""
    park_id: int | None = None
    address: str = ""
    is_above_scale: bool = False
    is_high_tech: bool = False
    srdi_level: str = ""
    top500_kind: str = ""
    is_foreign_funded: bool = False
    is_listing_reserve: bool = False
    is_headquarters: bool = False
    status: str = "operating"
    tags: str = ""
    owner_id: int | None = None


class EnterprisePatch(BodySchema):
    version: int
    name: str | None = None
    former_names: str | None = None
    legal_representative: str | None = None
    registered_capital: Decimal | None = None
    established_on: dt.date | None = None
    industry_code: str | None = None
    park_id: int | None = None
    address: str | None = None
    is_above_scale: bool | None = None
    is_high_tech: bool | None = None
    srdi_level: str | None = None
    top500_kind: str | None = None
    is_foreign_funded: bool | None = None
    is_listing_reserve: bool | None = None
    is_headquarters: bool | None = None
    status: str | None = None
    tags: str | None = None
    owner_id: int | None = None


class LandOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = LandParcel
        fields = ["id", "enterprise", "certificate_no", "area_mu", "purpose", "tenure", "location", "version"]


class LandIn(BodySchema):
    certificate_no: str
    area_mu: Decimal
    purpose: str = "industrial"
    tenure: str = "owned"
    location: str = ""


class LandPatch(BodySchema):
    version: int
    certificate_no: str | None = None
    area_mu: Decimal | None = None
    purpose: str | None = None
    tenure: str | None = None
    location: str | None = None


class AnnualOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = AnnualIndicator
        fields = [
            "id",
            "enterprise",
            "year",
            "revenue",
            "gross_output",
            "value_added",
            "tax_paid",
            "total_profit",
            "rd_expense",
            "employees",
            "energy_tce",
            "electricity_10k_kwh",
            "cod_t",
            "ammonia_n_t",
            "so2_t",
            "nox_t",
            "version",
        ]


class AnnualIn(BodySchema):
    version: int | None = None
    revenue: Decimal | None = None
    gross_output: Decimal | None = None
    value_added: Decimal | None = None
    tax_paid: Decimal | None = None
    total_profit: Decimal | None = None
    rd_expense: Decimal | None = None
    employees: int | None = None
    energy_tce: Decimal | None = None
    electricity_10k_kwh: Decimal | None = None
    cod_t: Decimal | None = None
    ammonia_n_t: Decimal | None = None
    so2_t: Decimal | None = None
    nox_t: Decimal | None = None


class ContactOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = Contact
        fields = ["id", "enterprise", "name", "title", "phone", "email", "is_primary", "version"]


class ContactIn(BodySchema):
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False


class MonthlyOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = MonthlyIndicator
        fields = ["id", "enterprise", "month", "output_value", "revenue", "tax", "electricity_kwh", "version"]


class MonthlyIn(BodySchema):
    version: int | None = None
    output_value: Decimal | None = None
    revenue: Decimal | None = None
    tax: Decimal | None = None
    electricity_kwh: Decimal | None = None


@router.get("/", response=list[EnterpriseOut], summary="List enterprises (search, filters, sort, pages)")
@paginate(Pages)
def list_enterprises(request, filters: Query[EnterpriseFilterIn]):
    return related(selectors.enterprise_list(user=request.user, filters=filters.to_filters()), EnterpriseOut)


@router.get("/{int:pk}", response=EnterpriseOut, summary="One enterprise")
def get_enterprise(request, pk: int):
    return selectors.enterprise_get(user=request.user, pk=pk)


@router.post("/", response={201: EnterpriseOut}, summary="Register an enterprise")
def create_enterprise(request, body: EnterpriseIn):
    return Status(201, services.enterprise_create(user=request.user, data=body.model_dump()))


@router.patch("/{int:pk}", response=EnterpriseOut, summary="Change an enterprise (send the version you read)")
def update_enterprise(request, pk: int, body: EnterprisePatch):
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    services.enterprise_update(user=request.user, pk=pk, version=body.version, data=data)
    return selectors.enterprise_get(user=request.user, pk=pk)


@router.get("/{int:pk}/land", response=list[LandOut], summary="An enterprise's land parcels")
def list_land(request, pk: int):
    ent = selectors.enterprise_get(user=request.user, pk=pk)
    return related(selectors.land_list(user=request.user, enterprise=ent), LandOut)


@router.post("/{int:pk}/land", response={201: LandOut}, summary="Add a land parcel")
def create_land(request, pk: int, body: LandIn):
    return Status(
        201, services.land_parcel_create(user=request.user, enterprise_id=pk, data=body.model_dump())
    )


@router.patch("/land/{int:parcel_id}", response=LandOut, summary="Change a land parcel")
def update_land(request, parcel_id: int, body: LandPatch):
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    return services.land_parcel_update(user=request.user, pk=parcel_id, version=body.version, data=data)


@router.delete("/land/{int:parcel_id}", response={204: None}, summary="Remove a land parcel")
def delete_land(request, parcel_id: int):
    services.land_parcel_delete(user=request.user, pk=parcel_id)
    return Status(204, None)


@router.get("/{int:pk}/annual", response=list[AnnualOut], summary="Annual indicators")
def list_annual(request, pk: int):
    ent = selectors.enterprise_get(user=request.user, pk=pk)
    return related(selectors.annual_list(user=request.user, enterprise=ent).order_by("year"), AnnualOut)


@router.put("/{int:pk}/annual/{int:year}", response=AnnualOut, summary="Set one year's indicators")
def put_annual(request, pk: int, year: Year, body: AnnualIn):
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    return services.annual_indicator_set(
        user=request.user, enterprise_id=pk, year=year, version=body.version, data=data
    )


@router.get("/{int:pk}/monthly", response=list[MonthlyOut], summary="Monthly indicators")
def list_monthly(request, pk: int):
    ent = selectors.enterprise_get(user=request.user, pk=pk)
    return related(selectors.monthly_list(user=request.user, enterprise=ent).order_by("month"), MonthlyOut)


@router.put(
    "/{int:pk}/monthly/{month}", response=MonthlyOut, summary="Set one month's indicators (month: YYYY-MM)"
)
def put_monthly(request, pk: int, month: str, body: MonthlyIn):
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()  # noqa: DTZ007 - a calendar month, not a moment
    except ValueError:
        raise Invalid(_("month must be YYYY-MM"), fields={"month": [_("month must be YYYY-MM")]}) from None
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    return services.monthly_indicator_set(
        user=request.user, enterprise_id=pk, month=first, version=body.version, data=data
    )


@router.get("/{int:pk}/contacts", response=list[ContactOut], summary="An enterprise's contacts")
def list_contacts(request, pk: int):
    ent = selectors.enterprise_get(user=request.user, pk=pk)
    return related(selectors.contact_list(user=request.user, enterprise=ent), ContactOut)


@router.post("/{int:pk}/contacts", response={201: ContactOut}, summary="Add a contact")
def create_contact(request, pk: int, body: ContactIn):
    return Status(201, services.contact_create(user=request.user, enterprise_id=pk, data=body.model_dump()))


@router.delete("/contacts/{int:contact_id}", response={204: None}, summary="Remove a contact")
def delete_contact(request, contact_id: int):
    services.contact_delete(user=request.user, pk=contact_id)
    return Status(204, None)
