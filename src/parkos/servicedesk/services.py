"""Every write of the service desk: request intake (portal, officer after a visit, hotline import), dispatch, accept
or send back, answer, close, revisit, re-open and escalation; visits; service cards; ratings and the 差评 case
steps with their working-day deadlines; categories and settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import capabilities, notify, workflow
from parkos.core.counters import next_number
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role, User
from parkos.core.selectors import working_calendar
from parkos.core.services import attach_files, check_version
from parkos.core.services import clean_and_save as _save
from parkos.enterprises.models import Enterprise
from parkos.ratings import public as ratings

from .models import (
    SERVICE_CENTRE,
    Category,
    Channel,
    Request,
    RequestState,
    ServiceCard,
    ServiceConfig,
    Visit,
    centre_department_id,
    is_service_centre,
)
from .workflows import REQUEST

RATING_TARGET = "servicedesk.request"

DEFAULT_CATEGORIES = [  # code, name, close WD, card holders' close WD (specs/ratings.md §6 defaults)
    ("consult", "政策咨询", 3, 2),
    ("help", "办事求助", 15, 10),
    ("complaint", "投诉举报", 15, 10),
    ("suggestion", "意见建议", 15, 10),
    ("complex", "复杂协调事项", 30, 20),
]


def install_default_categories() -> int:
    made = 0
    for i, (code, name, close, card) in enumerate(DEFAULT_CATEGORIES):
        made += Category.objects.get_or_create(
            code=code, defaults={"name": name, "close_wd": close, "card_close_wd": card, "order": i}
        )[1]
    return made


def _next_number(on: dt.date) -> str:
    """SQyyyymmNNNN from the month's locked number series (concurrent submissions never collide)."""
    prefix = f"SQ{on:%Y%m}"

    def start() -> int:
        last = Request.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
        return int(last[len(prefix) :]) if last else 0

    return f"{prefix}{next_number(f'servicedesk.request.{prefix}', start=start):04d}"


def deadlines(received: dt.date, limit_wd: int, first_wd: int) -> tuple[dt.date, dt.date]:
    """(first response due, close due): working days after the day of receipt (day 0)."""
    cal = working_calendar()
    return cal.add_working_days(received, first_wd), cal.add_working_days(received, limit_wd)


# ---- requests --------------------------------------------------------------------------------------------------
@transaction.atomic
def request_submit(
    *,
    user,
    enterprise_id: int,
    category_id: int,
    title: str,
    text: str,
    channel: str = Channel.PORTAL,
    contact: str = "",
    visit_id: int | None = None,
    external_ref: str = "",
    on: dt.date | None = None,
    files: list | None = None,
) -> Request:
    """A request enters: from the enterprise's own user (portal), or an officer after a visit or from the hotline.
    A card holder's request goes straight to its service officer with the card's shorter limit."""
    on = on or timezone.localdate()
    if user.is_enterprise_user:
        channel = Channel.PORTAL
    elif not user.may("change"):
        raise Forbidden(_("You may not enter requests."))
    _enterprise_for_filing(user, enterprise_id)
    if not title.strip() or not text.strip():
        raise Invalid(_("Give the request a title and describe it."), fields={"text": [_("required")]})
    category = get_object_or_404(Category, pk=category_id)
    card = (
        ServiceCard.objects.filter(enterprise_id=enterprise_id, year=on.year)
        .select_related("officer")
        .first()
    )
    cfg = ServiceConfig.get()
    limit = category.card_close_wd if card else category.close_wd
    first_due, due = deadlines(on, limit, cfg.first_response_wd)
    req = Request(
        number=_next_number(on),
        enterprise_id=enterprise_id,
        channel=Channel.CARD if card and channel == Channel.PORTAL else channel,
        category=category,
        title=title.strip(),
        text=text.strip(),
        contact=contact.strip(),
        card=card,
        visit_id=visit_id,
        external_ref=external_ref,
        received_on=on,
        limit_wd=limit,
        due_on=due,
        first_response_due=first_due,
        submitted_by=user,
    )
    if card:  # straight to the named officer, in their department
        req.officer, req.department_id, req.state = (
            card.officer,
            card.officer.department_id,
            RequestState.DISPATCHED,
        )
    elif category.department_id:
        req.department_id, req.state = category.department_id, RequestState.DISPATCHED
    _save(req, user=user)
    workflow.record(REQUEST, req, "submit", user=user, on=on, frm="")
    if files:  # the request and its files together, or neither
        attach_files(user=user, target="servicedesk.request", target_id=req.pk, uploads=files)
    return req


def _enterprise_for_filing(user, enterprise_id: int) -> None:
    """A request is filed for an enterprise the user may see (an enterprise user: their own; staff: their
    department's), by the service centre for any, or by the officer holding the enterprise's service card. Any
    other is answered as missing (404): the registry cannot be enumerated through the desk."""
    if Enterprise.objects.restrict(user, "view").filter(pk=enterprise_id).exists():
        return
    if not user.is_enterprise_user and (
        capabilities.acts(user, SERVICE_CENTRE)
        or ServiceCard.objects.filter(enterprise_id=enterprise_id, officer=user).exists()
    ):
        if Enterprise.objects.filter(pk=enterprise_id).exists():
            return
    raise Http404


def _request_for(user, pk: int, version: int | None = None) -> Request:
    req = get_object_or_404(Request.objects.restrict(user, "view").select_for_update(of=("self",)), pk=pk)
    if version is not None:
        check_version(req, version)
    return req


def _move(req: Request, *, user, action: str, on: dt.date, note: str = "") -> None:
    workflow.transition(REQUEST, req, action, user=user, on=on, note=note)


def _centre(user) -> None:
    if not is_service_centre(user) or not user.may("change"):
        raise Forbidden(_("Only the service centre dispatches, closes and revisits requests."))


def _handler(user, req: Request) -> None:
    if user.is_enterprise_user or not user.may("change"):
        raise Forbidden(_("You may not handle requests."))
    if not is_service_centre(user) and req.department_id != user.department_id and req.officer_id != user.pk:
        raise Forbidden(_("Only the lead department handles this request."))


@transaction.atomic
def request_dispatch(
    *,
    user,
    pk: int,
    department_id: int,
    co_departments: list[int] | None = None,
    officer_id: int | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> Request:
    _centre(user)
    req = _request_for(user, pk)
    req.department_id, req.officer_id = department_id, officer_id or req.officer_id
    _move(req, user=user, action="dispatch", on=on or timezone.localdate(), note=note)
    if co_departments is not None:
        req.co_departments.set([d for d in co_departments if d != department_id])
    return req


@transaction.atomic
def request_accept(*, user, pk: int, on: dt.date | None = None) -> Request:
    req = _request_for(user, pk)
    _handler(user, req)
    on = on or timezone.localdate()
    req.accepted_on = on
    _move(req, user=user, action="accept", on=on)
    return req


@transaction.atomic
def request_send_back(*, user, pk: int, reason: str, on: dt.date | None = None) -> Request:
    """A department sends a request it should not lead back for re-assignment, with the reason (spec §6: within
    `send_back_wd` working days)."""
    req = _request_for(user, pk)
    _handler(user, req)
    if not reason.strip():
        raise Invalid(_("Give the reason for sending it back."), fields={"reason": [_("required")]})
    on = on or timezone.localdate()
    dispatched = (
        req.events.filter(action="dispatch").order_by("-at").values_list("on", flat=True).first()
        or req.received_on
    )
    limit = ServiceConfig.get().send_back_wd
    if working_calendar().working_days_between(dispatched, on) > limit:
        raise Invalid(
            _(
                "A request is sent back within %(n)s working days of its dispatch; handle it or ask the service centre."
            )
            % {"n": limit}
        )
    req.department, req.officer = None, None
    _move(req, user=user, action="send_back", on=on, note=reason.strip())
    return req


@transaction.atomic
def request_answer(*, user, pk: int, answer: str, on: dt.date | None = None) -> Request:
    req = _request_for(user, pk)
    _handler(user, req)
    if not answer.strip():
        raise Invalid(_("Write the answer."), fields={"answer": [_("required")]})
    on = on or timezone.localdate()
    req.answer, req.answered_on = answer.strip(), on
    _move(req, user=user, action="answer", on=on, note=answer.strip())
    return req


@transaction.atomic
def request_close(*, user, pk: int, note: str = "", on: dt.date | None = None) -> Request:
    _centre(user)
    req = _request_for(user, pk)
    on = on or timezone.localdate()
    req.closed_on = on
    req.revisit_due = working_calendar().add_working_days(on, ServiceConfig.get().revisit_wd)
    _move(req, user=user, action="close", on=on, note=note)
    return req


@transaction.atomic
def request_revisit(*, user, pk: int, note: str, satisfied: bool, on: dt.date | None = None) -> Request:
    """The service centre's 回访; an unsatisfied enterprise gets the request re-opened once, then it goes to the
    leaders."""
    _centre(user)
    req = _request_for(user, pk)
    on = on or timezone.localdate()
    req.revisit_note = note.strip()
    if satisfied:
        _move(req, user=user, action="revisit", on=on, note=note)
    elif req.reopened == 0:
        req.reopened += 1
        req.closed_on = None
        _move(req, user=user, action="reopen", on=on, note=note)
    else:
        req.escalated = True
        _move(req, user=user, action="revisit", on=on, note=note)
    return req


def escalate_overdue(today: dt.date | None = None) -> int:
    """Open requests past their deadline go to the leaders (flag and event), once."""
    today = today or timezone.localdate()
    open_states = [RequestState.RECEIVED, RequestState.DISPATCHED, RequestState.ACCEPTED]
    late = list(
        Request.objects.filter(state__in=open_states, due_on__lt=today, escalated=False).select_related(
            "enterprise"
        )
    )
    leaders = set(User.objects.filter(role=Role.LEADER, is_active=True).values_list("pk", flat=True))
    notify.send_many(
        [
            notify.Message(
                kind="servicedesk.request_overdue",
                recipients=leaders | ({r.officer_id} if r.officer_id else set()),
                message=_("%(number)s %(enterprise)s: overdue since %(due)s, sent to the leaders")
                % {"number": r.number, "enterprise": r.enterprise.name, "due": r.due_on},
                on=today,
                target=r,
                url=reverse("servicedesk:request", args=[r.pk]),
                light="red",
                once_key=f"request:{r.pk}",
            )
            for r in late
        ]
    )

    def escalated(r: Request) -> None:
        r.escalated = True

    workflow.transition_many(
        REQUEST,
        late,
        "escalate",
        user=None,
        on=today,
        note=_("overdue: sent to the leaders"),
        fields=["escalated"],
        effects=escalated,
    )
    return len(late)


# ---- visits and cards ------------------------------------------------------------------------------------------
@transaction.atomic
def visit_log(*, user, enterprise_id: int, on: dt.date, officials: str, topics: str) -> Visit:
    if user.is_enterprise_user or not user.may("change"):
        raise Forbidden(_("You may not log visits."))
    v = Visit(
        enterprise_id=enterprise_id,
        on=on,
        officials=officials.strip(),
        topics=topics.strip(),
        department_id=user.department_id,
        by=user,
    )
    _save(v, user=user)
    return v


@transaction.atomic
def card_issue(*, user, enterprise_id: int, year: int, officer_id: int, number: str = "") -> ServiceCard:
    _centre(user)
    if not number:

        def start() -> int:
            used = ServiceCard.objects.filter(year=year).values_list("number", flat=True)
            return max((int(n) for n in used if n.isdigit()), default=0)

        taken = set(ServiceCard.objects.filter(year=year).values_list("number", flat=True))
        number = f"{next_number(f'servicedesk.card.{year}', start=start):04d}"
        while number in taken:  # a number given by hand earlier is skipped
            number = f"{next_number(f'servicedesk.card.{year}', start=start):04d}"
    card = ServiceCard(enterprise_id=enterprise_id, year=year, officer_id=officer_id, number=number)
    _save(card, user=user)
    return card


# ---- ratings ----------------------------------------------------------------------------------------------------
def rate_request(
    *, user, pk: int, level: int, reasons: list[str] | None = None, text: str = "", on: dt.date | None = None
):
    """The enterprise's real-name rating of its closed request (好差评 is the ratings app's: a rating target)."""
    return ratings.rate(
        user=user, target=RATING_TARGET, target_id=pk, level=level, reasons=reasons, text=text, on=on
    )


def request_rating_context(user, target_id: int, on: dt.date, window_days: int) -> dict[str, Any]:
    """What a rating of this request counts for, once the request may be rated by this user now."""
    req = get_object_or_404(Request.objects.restrict(user, "view").select_related("category"), pk=target_id)
    if not user.is_enterprise_user:
        raise Forbidden(_("Only the enterprise rates its request."))
    if req.state not in {RequestState.CLOSED, RequestState.REVISITED} or req.closed_on is None:
        raise Invalid(_("A request is rated once it is closed."))
    if (on - req.closed_on).days > window_days:
        raise Invalid(
            _("The rating window closed %(n)s days after the request was closed.") % {"n": window_days}
        )
    return {
        "enterprise_id": req.enterprise_id,
        # a request the centre closed itself (no department took it on) counts for the service centre
        "department_id": req.department_id or centre_department_id(),
        "officer_id": req.officer_id,
        "category": req.category.name if req.category_id else "",
    }


# ---- settings --------------------------------------------------------------------------------------------------


@transaction.atomic
def config_update(*, user, data: dict[str, Any]):
    """The desk's settings page saves two sections: the service desk's limits and the 好差评 limits."""
    ratings.RatingConfig.save_values(
        user=user, data={k: v for k, v in data.items() if k in ratings.RatingConfig.base_fields}
    )
    return ServiceConfig.save_values(
        user=user, data={k: v for k, v in data.items() if k in ServiceConfig.base_fields}
    )


@transaction.atomic
def category_save(*, user, data: dict[str, Any], pk: int | None = None) -> Category:
    if not ServiceConfig.may_change(user):
        raise Forbidden(_("You may not change the request categories."))
    cat = get_object_or_404(Category, pk=pk) if pk else Category()
    for k in ("code", "name", "close_wd", "card_close_wd", "department", "order"):
        if k in data:
            setattr(cat, k, data[k])
    _save(cat, user=user)
    return cat
