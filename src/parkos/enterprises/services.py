"""Every write to the registry: permission, validation, version check, audit, one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import audited
from parkos.core.services import check_version as _check_version
from parkos.core.services import clean_and_save

from .models import (
    ENTERPRISE_FIELDS,
    AnnualIndicator,
    Contact,
    Enterprise,
    EnterpriseAccount,
    LandParcel,
    MonthlyIndicator,
)

ENTERPRISE_EDITABLE = {*ENTERPRISE_FIELDS, "park_id", "owner_id"}


def _clean_and_save(obj, *, user) -> None:
    clean_and_save(obj, user=user)
    obj.refresh_from_db()  # return what the database holds (decimals at their scale)


def _owner_allowed(user, owner_id: int | None) -> None:
    if not user.is_zone_wide and owner_id != user.department_id:
        raise Forbidden(_("You may only assign enterprises to your own department."))


@transaction.atomic
def enterprise_create(*, user, data: dict[str, Any]) -> Enterprise:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not create enterprises."))
    data = {k: v for k, v in data.items() if k in ENTERPRISE_EDITABLE or k == "uscc"}
    ent = Enterprise(**data)
    if ent.owner_id is None and not user.is_zone_wide:
        ent.owner_id = user.department_id
    if ent.owner_id:
        _owner_allowed(user, ent.owner_id)
    if Enterprise.objects.filter(uscc=ent.uscc).exists():
        raise Invalid(
            _("An enterprise with this USCC is already registered."),
            fields={"uscc": [_("already registered")]},
        )
    _clean_and_save(ent, user=user)
    return ent


@transaction.atomic
def enterprise_update(*, user, pk: int, version: int | None, data: dict[str, Any]) -> Enterprise:
    qs = Enterprise.objects.restrict(user, "change").select_for_update()
    ent = get_object_or_404(qs, pk=pk)
    _check_version(ent, version)
    for field in ENTERPRISE_EDITABLE & data.keys():
        setattr(ent, field, data[field])
    if "owner" in data or "owner_id" in data:
        _owner_allowed(user, ent.owner_id)
    ent.version += 1
    _clean_and_save(ent, user=user)
    return ent


@transaction.atomic
def colleague_invite(*, user, username: str, display_name: str, password: str):
    """The enterprise's verified contact opens an account for a colleague of the same enterprise."""
    from parkos.core.models import Role, User
    from parkos.core.users import save_new_user

    link = EnterpriseAccount.objects.filter(user=user, is_manager=True).select_related("enterprise").first()
    if not user.is_enterprise_user or link is None:
        raise Forbidden(_("Only your enterprise's verified contact invites colleagues."))
    new = User(username=username, display_name=display_name.strip(), role=Role.ENTERPRISE)
    return save_new_user(actor=user, user=new, password=password, enterprise=link.enterprise, invited_by=user)


def _enterprise_for_change(user, enterprise_id: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.restrict(user, "change"), pk=enterprise_id)


@transaction.atomic
def land_parcel_create(*, user, enterprise_id: int, data: dict[str, Any]) -> LandParcel:
    ent = _enterprise_for_change(user, enterprise_id)
    if LandParcel.objects.filter(enterprise=ent, certificate_no=data.get("certificate_no")).exists():
        raise Invalid(
            _("This enterprise already has a parcel with this certificate number."),
            fields={"certificate_no": [_("already recorded")]},
        )
    parcel = LandParcel(enterprise=ent, **data)
    _clean_and_save(parcel, user=user)
    return parcel


@transaction.atomic
def land_parcel_update(*, user, pk: int, version: int | None, data: dict[str, Any]) -> LandParcel:
    parcel = get_object_or_404(LandParcel.objects.restrict(user, "change").select_for_update(), pk=pk)
    _check_version(parcel, version)
    for k in {"certificate_no", "area_mu", "purpose", "tenure", "location"} & data.keys():
        setattr(parcel, k, data[k])
    parcel.version += 1
    _clean_and_save(parcel, user=user)
    return parcel


@transaction.atomic
def land_parcel_delete(*, user, pk: int) -> None:
    parcel = get_object_or_404(LandParcel.objects.restrict(user, "change"), pk=pk)
    audited(parcel, user)
    parcel.delete()


def _indicator_set(
    model,
    *,
    user,
    enterprise_id: int,
    key: dict[str, Any],
    version: int | None,
    data: dict[str, Any],
    editable: set[str],
):
    ent = _enterprise_for_change(user, enterprise_id)
    obj = model.objects.select_for_update().filter(enterprise=ent, **key).first()
    if obj is None:
        obj = model(enterprise=ent, **key)
    else:
        _check_version(obj, version)
        obj.version += 1
    for k in editable & data.keys():
        setattr(obj, k, data[k])
    _clean_and_save(obj, user=user)
    return obj


@transaction.atomic
def annual_indicator_set(
    *, user, enterprise_id: int, year: int, version: int | None = None, data: dict[str, Any]
) -> AnnualIndicator:
    """Create or update one year's figures (a version is required to update)."""
    from .models import ANNUAL_FIELDS

    return _indicator_set(
        AnnualIndicator,
        user=user,
        enterprise_id=enterprise_id,
        key={"year": year},
        version=version,
        data=data,
        editable=set(ANNUAL_FIELDS),
    )


@transaction.atomic
def monthly_indicator_set(
    *, user, enterprise_id: int, month, version: int | None = None, data: dict[str, Any]
) -> MonthlyIndicator:
    month = month.replace(day=1)
    return _indicator_set(
        MonthlyIndicator,
        user=user,
        enterprise_id=enterprise_id,
        key={"month": month},
        version=version,
        data=data,
        editable={"output_value", "revenue", "tax", "electricity_kwh"},
    )


@transaction.atomic
def contact_create(*, user, enterprise_id: int, data: dict[str, Any]) -> Contact:
    ent = _enterprise_for_change(user, enterprise_id)
    contact = Contact(
        enterprise=ent,
        **{k: v for k, v in data.items() if k in {"name", "title", "phone", "email", "is_primary"}},
    )
    _clean_and_save(contact, user=user)
    return contact


@transaction.atomic
def contact_delete(*, user, pk: int) -> None:
    contact = get_object_or_404(Contact.objects.restrict(user, "change"), pk=pk)
    audited(contact, user)
    contact.delete()


# ---- enterprise accounts, as the kernel's user management reaches them -------------------------------------
def account_link(user, enterprise, invited_by=None) -> None:
    """Link an enterprise user to their enterprise; the enterprise's first account is its verified contact."""
    first = not EnterpriseAccount.objects.filter(enterprise=enterprise).exclude(user=user).exists()
    EnterpriseAccount.objects.update_or_create(
        user=user,
        defaults={
            "enterprise": enterprise,
            "is_manager": first and invited_by is None,
            "invited_by": invited_by,
        },
    )


def account_unlink(user) -> None:
    EnterpriseAccount.objects.filter(user=user).delete()
