"""Capabilities: the powers of an office (service centre, supervision office, joint-meeting office, approval
reform office, …), declared by the apps in `registries.capabilities` and held through `CapabilityGrant` rows by a
department or one user. The one place that answers "may this user act as that office?".

- Zone-wide users (leaders, system administrators) see what every office sees; whether they may act is the
  role's business (`User.may`), not a capability: `acts(user, key, action)` asks both, so a leader (who only
  views) never acts as an office, and a department administrator changes an area's zone-wide settings only when
  their department holds the area's capability (`acts(user, key, "configure")`).
- Only system administrators grant and revoke, and never to themselves or their own department.
- A user's grants are read once per request (cached on the user object).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import registries, security
from .exceptions import Forbidden, Invalid
from .models import CapabilityGrant, Department, Role, SecurityEvent, User

_CACHE = "_parkos_capabilities"


def _held(user) -> set[str]:
    cached = user.__dict__.get(_CACHE)
    if cached is None:
        q = Q(user_id=user.pk)
        if user.department_id:
            q |= Q(department_id=user.department_id)
        cached = set(CapabilityGrant.objects.filter(q).values_list("capability", flat=True))
        user.__dict__[_CACHE] = cached
    return cached


def holds(user, key: str) -> bool:
    """Whether this user acts as the office that holds capability `key` (zone-wide users: always)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_zone_wide:
        return True
    if user.is_enterprise_user:
        return False
    cap = registries.capabilities.get(key)
    if cap is not None and cap.role and user.role != cap.role:
        return False
    return key in _held(user)


def held(user) -> list[registries.Capability]:
    """The office powers a user holds through a grant to them or to their department (shown on their profile;
    zone-wide users act as every office without a grant)."""
    if user is None or not user.is_authenticated or user.is_enterprise_user:
        return []
    keys = _held(user)
    return [c for c in registries.capabilities if c.key in keys and (not c.role or user.role == c.role)]


def acts(user, key: str, action: str = "change") -> bool:
    """Whether this user does `action` as the office holding `key`: their role allows the action and they hold the
    capability. System administrators act as every office; leaders, who only read, as none."""
    if user is None or not user.is_authenticated:
        return False
    return user.may(action) and holds(user, key)


def is_system_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and _is_admin(user))


def department_ids(key: str) -> list[int]:
    """The departments holding `key` (for routing work and notices to the office)."""
    return list(
        CapabilityGrant.objects.filter(capability=key, department__isnull=False)
        .order_by("pk")
        .values_list("department_id", flat=True)
    )


def holder_department(key: str) -> Department | None:
    """The (first) department holding `key`."""
    g = CapabilityGrant.objects.filter(capability=key, department__isnull=False).select_related("department")
    first = g.order_by("pk").first()
    return first.department if first else None


def user_ids(key: str) -> set[int]:
    """Every active user who acts as the office holding `key` (members of a holding department with the role the
    capability asks for, and users holding it themselves)."""
    cap = registries.capabilities.get(key)
    q = Q(capability_grants__capability=key) | Q(department__capability_grants__capability=key)
    qs = User.objects.filter(q, is_active=True)
    if cap is not None and cap.role:
        qs = qs.filter(role=cap.role)
    return set(qs.values_list("pk", flat=True))


def _is_admin(actor) -> bool:
    return actor.is_superuser or actor.role == Role.SYSTEM_ADMIN


def grant_list(*, actor) -> QuerySet[CapabilityGrant]:
    if not _is_admin(actor) and not actor.is_zone_wide:
        return CapabilityGrant.objects.none()
    return CapabilityGrant.objects.select_related("department", "user", "granted_by")


@transaction.atomic
def grant(
    *, actor, key: str, department_id: int | None = None, user_id: int | None = None, note: str = ""
) -> CapabilityGrant:
    """Give capability `key` to a department or a user. System administrators only, never to themselves or to
    their own department: nobody grants themselves a power."""
    if not _is_admin(actor):
        raise Forbidden(_("Only a system administrator grants the powers of an office."))
    if key not in registries.capabilities:
        raise Invalid(_("Unknown capability."), fields={"capability": [_("unknown")]})
    if (department_id is None) == (user_id is None):
        raise Invalid(_("Grant it to a department or to one user."), fields={"department": [_("required")]})
    if user_id == actor.pk or (department_id is not None and department_id == actor.department_id):
        raise Forbidden(_("Nobody grants a power to themselves."))
    if department_id is not None:
        get_object_or_404(Department, pk=department_id)
    else:
        target = get_object_or_404(User, pk=user_id)
        if target.is_enterprise_user:
            raise Invalid(
                _("An enterprise user cannot hold an office's power."), fields={"user": [_("not staff")]}
            )
    try:
        with transaction.atomic():
            g = CapabilityGrant.objects.create(
                capability=key,
                department_id=department_id,
                user_id=user_id,
                granted_by=actor,
                note=note.strip(),
            )
    except IntegrityError:
        raise Invalid(
            _("This power is already granted there."), fields={"capability": [_("already granted")]}
        ) from None
    security.record(SecurityEvent.Kind.CAPABILITY_GRANTED, user=actor, detail=_grant_words(g))
    return g


def _grant_words(g: CapabilityGrant) -> str:
    """The grant as the security log keeps it: the office's name in the zone's language, and its holder."""
    from django.conf import settings
    from django.utils import translation

    cap = registries.capabilities.get(g.capability)
    with translation.override(settings.LANGUAGE_CODE):
        name = str(cap.label) if cap is not None else g.capability
    return f"{name} → {g.department or g.user}"


@transaction.atomic
def revoke(*, actor, pk: int) -> None:
    if not _is_admin(actor):
        raise Forbidden(_("Only a system administrator grants the powers of an office."))
    g = get_object_or_404(CapabilityGrant.objects.select_related("department", "user"), pk=pk)
    words = _grant_words(g)
    g.delete()
    security.record(SecurityEvent.Kind.CAPABILITY_REVOKED, user=actor, detail=words)


@transaction.atomic
def set_holder(*, actor, key: str, department_id: int | None) -> None:
    """Make `department_id` the one department holding `key` (None: nobody); the settings pages' office choice."""
    if not _is_admin(actor):
        raise Forbidden(_("Only a system administrator grants the powers of an office."))
    current = set(department_ids(key))
    if current == ({department_id} if department_id else set()):
        return
    for g in CapabilityGrant.objects.filter(capability=key, department__isnull=False).select_related(
        "department"
    ):
        g.delete()
        security.record(SecurityEvent.Kind.CAPABILITY_REVOKED, user=actor, detail=_grant_words(g))
    if department_id:
        grant(actor=actor, key=key, department_id=department_id)
