"""User management: who may manage whom, and the writes (services) and reads (selectors) for it.

System administrators manage everyone. A department administrator manages the staff of their own
department and the enterprise users of enterprises their department is responsible for.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import registries
from .exceptions import Forbidden, Invalid
from .models import Role, User, audited


def _manageable_q(actor: User) -> Q | None:
    if actor.is_superuser or actor.role == Role.SYSTEM_ADMIN:
        return None
    if actor.role == Role.DEPT_ADMIN and actor.department_id:
        return Q(department_id=actor.department_id) | Q(
            enterprise_account__enterprise__owner_id=actor.department_id
        )
    return Q(pk__in=[])


def user_list(*, actor: User, q: str = "", role: str = "") -> QuerySet[User]:
    if not actor.may("manage_users"):
        return User.objects.none()
    qs = User.objects.select_related("department", "enterprise_account__enterprise")
    scope = _manageable_q(actor)
    if scope is not None:
        qs = qs.filter(scope)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("department__code", "username")


def user_get(*, actor: User, pk: int) -> User:
    return get_object_or_404(user_list(actor=actor), pk=pk)


def roles_for(actor: User) -> list[tuple[str, Any]]:
    if actor.is_superuser or actor.role == Role.SYSTEM_ADMIN:
        return list(Role.choices)
    return [
        (r, label) for r, label in Role.choices if r in {Role.DEPT_ADMIN, Role.DEPT_STAFF, Role.ENTERPRISE}
    ]


def _check(actor: User, user: User, enterprise) -> None:
    if user.role not in dict(roles_for(actor)):
        raise Forbidden(_("You may not give this role."))
    if user.role in {Role.DEPT_ADMIN, Role.DEPT_STAFF}:
        if user.department_id is None:
            raise Invalid(_("Department staff need a department."), fields={"department": [_("required")]})
        if not actor.is_zone_wide and user.department_id != actor.department_id:
            raise Forbidden(_("You may only manage your own department's users."))
    if user.role == Role.ENTERPRISE:
        if enterprise is None:
            raise Invalid(
                _("An enterprise user needs an enterprise."), fields={"enterprise": [_("required")]}
            )
        if not actor.is_zone_wide and not registries.directory().may_manage(actor, enterprise):
            raise Forbidden(_("You may only add users for enterprises your department looks after."))
        user.department = None


def link_enterprise(user: User, enterprise, invited_by: User | None = None) -> None:
    """An enterprise user's link to their enterprise (kept by the registry); other roles have none."""
    if user.role == Role.ENTERPRISE:
        registries.directory().link(user, enterprise, invited_by)
    else:
        registries.directory().unlink(user)


def save_new_user(
    *, actor: User, user: User, password: str, enterprise=None, invited_by: User | None = None
) -> User:
    """Validate and store a new login (password rules, fields), link an enterprise user to their enterprise."""
    if User.objects.filter(username=user.username).exists():
        raise Invalid(_("This user name is taken."), fields={"username": [_("already taken")]})
    try:
        validate_password(password, user)
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"password": exc.messages}
        raise Invalid(_("Please correct the errors below."), fields=fields) from None
    user.set_password(password)
    audited(user, actor)
    user.save()
    link_enterprise(user, enterprise, invited_by)
    return user


@transaction.atomic
def user_create(*, actor: User, data: dict[str, Any], password: str, enterprise=None) -> User:
    if not actor.may("manage_users"):
        raise Forbidden(_("You may not manage users."))
    user = User(**{k: v for k, v in data.items() if k in {"username", "display_name", "role", "department"}})
    _check(actor, user, enterprise)
    return save_new_user(actor=actor, user=user, password=password, enterprise=enterprise)


@transaction.atomic
def user_update(*, actor: User, pk: int, data: dict[str, Any], enterprise=None, password: str = "") -> User:
    user = get_object_or_404(user_list(actor=actor).select_for_update(of=("self",)), pk=pk)
    if user.pk == actor.pk and data.get("is_active") is False:
        raise Forbidden(_("You cannot deactivate yourself."))
    for k in {"display_name", "role", "department", "is_active"} & data.keys():
        setattr(user, k, data[k])
    _check(actor, user, enterprise)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Invalid(_("Please correct the errors below."), fields={"password": exc.messages}) from None
        user.set_password(password)
    audited(user, actor)
    user.save()
    if password:
        from . import security
        from .models import SecurityEvent

        security.record(
            SecurityEvent.Kind.PASSWORD_RESET,
            user=user,
            detail=_("by %(admin)s") % {"admin": actor.get_username()},
        )
    link_enterprise(user, enterprise)
    return user


def user_language_set(*, user: User, language: str) -> None:
    """The interface language `user` picked for themself (no power needed: it is their own view)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Invalid(_("Unknown language."), fields={"language": [_("Unknown language.")]})
    if user.language != language:
        user.language = language
        audited(user, user)
        user.save(update_fields=["language"])
