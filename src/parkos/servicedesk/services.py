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

from parkos.core import notify, workflow
from parkos.core.counters import next_number
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role, User
from parkos.core.selectors import working_calendar
from parkos.core.services import check_version
from parkos.core.services import clean_and_save as _save
from parkos.enterprises.models import Enterprise

from . import engine
from .models import (
    BAD_REASONS,
    FOLLOWUP_LEVELS,
    BadRatingCase,
    CaseState,
    Category,
    Channel,
    Rating,
    Request,
    RequestState,
    ServiceCard,
    ServiceConfig,
    Visit,
    centre_department_id,
    is_service_centre,
)
from .workflows import CASE, REQUEST

DEFAULT_CATEGORIES = [  # code, name, close WD, card holders' close WD (specs/ratings.md §6 defaults)
    ("consult", "政策咨询", 3, 2),
    ("help", "办事求助", 15, 10),
    ("complaint", "投诉举报", 15, 10),
    ("suggestion", "意见建议", 15, 10),
    ("complex", "复杂协调事项", 30, 20),
]


def _today() -> dt.date:
    return timezone.localdate()


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
) -> Request:
    """A request enters: from the enterprise's own user (portal), or an officer after a visit or from the hotline.
    A card holder's request goes straight to its service officer with the card's shorter limit."""
    on = on or _today()
    if user.is_enterprise_user:
        if not Enterprise.objects.filter(pk=enterprise_id, accounts__user=user).exists():
            raise Forbidden(_("You may only submit requests for your own enterprise."))
        channel = Channel.PORTAL
    elif not user.may("change"):
        raise Forbidden(_("You may not enter requests."))
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
    return req


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
    _move(req, user=user, action="dispatch", on=on or _today(), note=note)
    if co_departments is not None:
        req.co_departments.set([d for d in co_departments if d != department_id])
    return req


@transaction.atomic
def request_accept(*, user, pk: int, on: dt.date | None = None) -> Request:
    req = _request_for(user, pk)
    _handler(user, req)
    on = on or _today()
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
    on = on or _today()
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
    on = on or _today()
    req.answer, req.answered_on = answer.strip(), on
    _move(req, user=user, action="answer", on=on, note=answer.strip())
    return req


@transaction.atomic
def request_close(*, user, pk: int, note: str = "", on: dt.date | None = None) -> Request:
    _centre(user)
    req = _request_for(user, pk)
    on = on or _today()
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
    on = on or _today()
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
    today = today or _today()
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


# ---- ratings and 差评 cases --------------------------------------------------------------------------------------
@transaction.atomic
def rate_request(
    *, user, pk: int, level: int, reasons: list[str] | None = None, text: str = "", on: dt.date | None = None
) -> Rating:
    """The enterprise's real-name rating of its closed request, within the window; a 差评 opens a case."""
    on = on or _today()
    req = get_object_or_404(Request.objects.restrict(user, "view"), pk=pk)
    if not user.is_enterprise_user:
        raise Forbidden(_("Only the enterprise rates its request."))
    if req.state not in {RequestState.CLOSED, RequestState.REVISITED} or req.closed_on is None:
        raise Invalid(_("A request is rated once it is closed."))
    cfg = ServiceConfig.get()
    if (on - req.closed_on).days > cfg.rating_window_days:
        raise Invalid(
            _("The rating window closed %(n)s days after the request was closed.")
            % {"n": cfg.rating_window_days}
        )
    if Rating.objects.filter(request=req, followup_of__isnull=True).exists():
        raise Invalid(_("This request has been rated."))
    return _rate(
        user=user,
        request=req,
        level=level,
        reasons=reasons or [],
        text=text,
        on=on,
        # a request the centre closed itself (no department took it on) counts for the service centre
        department_id=req.department_id or centre_department_id(),
        officer_id=req.officer_id,
        category_id=req.category_id,
    )


def _rate(
    *,
    user,
    level: int,
    reasons: list[str],
    text: str,
    on: dt.date,
    department_id,
    officer_id=None,
    category_id=None,
    request=None,
    item=None,
) -> Rating:
    if level not in range(1, 6):
        raise Invalid(_("Choose a rating from 1 to 5."), fields={"level": [_("required")]})
    if engine.is_bad(level) and not reasons:
        raise Invalid(_("A bad rating names at least one reason."), fields={"reasons": [_("required")]})
    unknown = [r for r in reasons if r not in BAD_REASONS]
    if unknown:
        raise Invalid(
            _("Reasons are chosen from the standard list: %(list)s (not “%(given)s”).")
            % {"list": "、".join(BAD_REASONS), "given": "、".join(map(str, unknown))},
            fields={"reasons": [_("not in the standard list")]},
        )
    ent = request.enterprise_id if request else item.project.investor_id
    r = Rating(
        request=request,
        item=item,
        enterprise_id=ent,
        department_id=department_id,
        officer_id=officer_id,
        category_id=category_id,
        rater=user,
        level=level,
        reasons=reasons,
        text=text.strip(),
        on=on,
    )
    r.full_clean(exclude=["followup_of"])
    r.save()
    if engine.is_bad(level) and department_id:
        cfg = ServiceConfig.get()
        cal = working_calendar()
        case = BadRatingCase(
            rating=r,
            department_id=department_id,
            received_on=on,
            contact_due=cal.add_working_days(on, cfg.case_contact_wd),
        )
        case.state = (
            CaseState.ASSIGNED
        )  # pushed to the responsible unit on receipt (spec §4.2 assign_within_hours)
        _save(case, user=user)
        workflow.record(CASE, case, "assign", user=user, on=on, frm=CaseState.RECEIVED)
    return r


@transaction.atomic
def rate_item(
    *,
    user,
    item_id: int,
    level: int,
    reasons: list[str] | None = None,
    text: str = "",
    on: dt.date | None = None,
) -> Rating:
    """The enterprise's rating of a decided approval item of its own project."""
    from parkos.projects.public import item_for_rating

    item = item_for_rating(user=user, pk=item_id)
    if item is None:
        raise Http404
    if not user.is_enterprise_user:
        raise Forbidden(_("Only the enterprise rates its approvals."))
    if item.completed_on is None:
        raise Invalid(_("An approval item is rated once it is decided."))
    on = on or _today()
    window = ServiceConfig.get().rating_window_days
    if (on - item.completed_on).days > window:
        raise Invalid(_("The rating window closed %(n)s days after the request was closed.") % {"n": window})
    if Rating.objects.filter(item=item, followup_of__isnull=True).exists():
        raise Invalid(_("This approval item has been rated."))
    return _rate(
        user=user,
        item=item,
        level=level,
        reasons=reasons or [],
        text=text,
        on=on,
        department_id=item.department_id,
    )


def _case_action_effects(*, case, action, on, note, kind, method, evidence, level, cfg, cal, user) -> None:
    """What a step does to the case besides its state: dates, deadlines, classification, feedback, appeal,
    follow-up rating, re-opening (spec §4.2–4.3)."""
    if action == "contact":
        if not method.strip():
            raise Invalid(_("Say how the rater was contacted."), fields={"method": [_("required")]})
        case.contact_on, case.contact_method, case.handler = on, method.strip(), user
        case.verify_due = cal.add_working_days(case.received_on, cfg.case_verify_wd)
    elif action == "rectify":
        if kind not in BadRatingCase.Kind.values:
            raise Invalid(
                _("Classify the case: fix at once or rectify by a deadline."),
                fields={"kind": [_("required")]},
            )
        case.kind = kind
        wd = cfg.case_rectify_simple_wd if kind == BadRatingCase.Kind.SIMPLE else cfg.case_rectify_complex_wd
        case.rectify_due = cal.add_working_days(on, wd)
        case.measures = note.strip()
    elif action == "explain":
        if not note.strip():
            raise Invalid(_("Write the explanation for the rater."), fields={"note": [_("required")]})
        case.explanation = note.strip()
    elif action == "send_feedback":
        case.feedback, case.feedback_on = case.explanation, on
        case.followup_due = on + dt.timedelta(days=cfg.followup_window_days)
    elif action == "done":
        if not note.strip():
            raise Invalid(
                _("Describe what was rectified (the feedback to the rater)."),
                fields={"note": [_("required")]},
            )
        if evidence is not None:
            case.evidence = evidence
        case.done_on, case.feedback, case.feedback_on = on, note.strip(), on
        case.feedback_due = cal.add_working_days(on, cfg.case_feedback_wd)
        case.followup_due = on + dt.timedelta(days=cfg.followup_window_days)
    elif action == "appeal":
        if working_calendar().working_days_between(case.received_on, on) > cfg.appeal_window_wd:
            raise Invalid(
                _("An appeal is filed within %(n)s working days of receiving the case.")
                % {"n": cfg.appeal_window_wd}
            )
        if not note.strip():
            raise Invalid(_("Give the grounds of the appeal."), fields={"note": [_("required")]})
        case.appeal_grounds, case.appeal_on = note.strip(), on
        case.appeal_due = cal.add_working_days(on, cfg.appeal_review_wd)
    elif action in {"uphold", "reject"}:
        case.appeal_decision, case.appeal_reviewer, case.appeal_decided_on = note.strip(), user, on
        if action == "uphold":
            Rating.objects.filter(pk=case.rating_id).update(
                excluded=True, exclusion_reason=note.strip()[:200] or str(_("appeal upheld"))
            )
            case.closed_on = on
        else:
            case.kind = case.kind or BadRatingCase.Kind.SIMPLE
            case.rectify_due = cal.add_working_days(on, cfg.case_rectify_simple_wd)
    elif action == "followup":
        if level not in FOLLOWUP_LEVELS:
            raise Invalid(
                _("The follow-up rating is 满意, 基本满意 or 不满意."),
                fields={"level": [_("choose one of the three")]},
            )
        r = case.rating
        Rating.objects.create(
            request_id=r.request_id,
            item_id=r.item_id,
            enterprise_id=r.enterprise_id,
            department_id=r.department_id,
            officer_id=r.officer_id,
            category_id=r.category_id,
            rater=user,
            level=level,
            text=note.strip(),
            on=on,
            followup_of=case,
        )
        case.closed_on = on
    elif action == "close_unanswered":
        if case.followup_due and on <= case.followup_due:
            raise Invalid(_("The rater may still answer until %(d)s.") % {"d": case.followup_due})
        case.closed_on = on
    elif action == "reopen":
        fu = case.followup
        if fu is None or fu.level > 2:
            raise Invalid(_("Only a case whose follow-up rating was dissatisfied is re-opened."))
        # the dissatisfied follow-up stays (and counts); the case is open again: its earlier feedback no longer
        # closes it, so it is rectified anew by a new deadline (the events keep the earlier dates)
        case.closed_on, case.done_on, case.feedback_on, case.followup_due = None, None, None, None
        case.rectify_due = cal.add_working_days(on, cfg.case_rectify_simple_wd)


@transaction.atomic
def case_act(
    *,
    user,
    pk: int,
    action: str,
    on: dt.date | None = None,
    note: str = "",
    kind: str = "",
    method: str = "",
    evidence=None,
    level: int | None = None,
    version: int | None = None,
) -> BadRatingCase:
    """One step of a 差评 case. The responsible department contacts, classifies, rectifies or explains, appeals;
    the service centre decides appeals and re-opens; the rater gives the follow-up rating."""
    case = get_object_or_404(
        BadRatingCase.objects.restrict(user, "view").select_for_update(of=("self",)).select_related("rating"),
        pk=pk,
    )
    if version is not None:
        check_version(case, version)
    on = on or _today()
    cfg = ServiceConfig.get()
    cal = working_calendar()

    def effects(t) -> None:
        _case_action_effects(
            case=case,
            action=action,
            on=on,
            note=note,
            kind=kind,
            method=method,
            evidence=evidence,
            level=level,
            cfg=cfg,
            cal=cal,
            user=user,
        )

    workflow.transition(CASE, case, action, user=user, on=on, note=note.strip(), effects=effects)
    return case


# ---- settings --------------------------------------------------------------------------------------------------


def config_update(*, user, data: dict[str, Any]):
    return ServiceConfig.save_values(user=user, data=data)


@transaction.atomic
def category_save(*, user, data: dict[str, Any], pk: int | None = None) -> Category:
    if not user.may("configure"):
        raise Forbidden(_("You may not change the settings."))
    cat = Category.objects.get(pk=pk) if pk else Category()
    for k in ("code", "name", "close_wd", "card_close_wd", "department", "order"):
        if k in data:
            setattr(cat, k, data[k])
    _save(cat, user=user)
    return cat
