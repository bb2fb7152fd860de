"""Pages of core: home, imports with progress, calendar, API tokens; helpers shared by every app's views."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import defaults
from django.views.decorators.http import require_POST

from . import access, capabilities, lists, notify, registries, security, users
from .excel import Schema, error_report_bytes
from .exceptions import Invalid, ParkOSError
from .filters import InboxFilters, SecurityFilters, UserFilters
from .forms import (
    CalendarDayForm,
    CalendarNoticeForm,
    CapabilityGrantForm,
    DigestParams,
    ImportForm,
    ImportParams,
    LanguageForm,
    MarkReadForm,
    TokenForm,
    UserForm,
    WorkingDaysForm,
    style_widgets,
)
from .imports import IMPORTERS
from .models import SecurityEvent
from .progress import progress_of
from .selectors import (
    DEADLINE_HORIZON_DAYS,
    api_token_list,
    calendar_overrides,
    deadlines,
    departments,
    history_entries,
    import_run_get,
    import_run_list,
    own_security_events,
    security_events,
    statutory_fallback,
    working_calendar,
)
from .services import (
    TOKEN_DAYS,
    api_token_create,
    api_token_revoke,
    calendar_day_delete,
    calendar_day_set,
    calendar_notice_load,
    import_run_start,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- helpers for every app's views -------------------------------------------------------------------
def staff_only(request: HttpRequest) -> None:
    """A page for the zone's officials: an enterprise user is answered 404, as for a record out of scope."""
    if request.user.is_enterprise_user:
        raise Http404


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=DOCX)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def schema_export_response(schema: Schema, records: Iterable[dict[str, Any]], filename: str) -> HttpResponse:
    import io

    buf = io.BytesIO()
    schema.write(buf, records)
    return xlsx_response(buf.getvalue(), filename)


def service_errors(request: HttpRequest, exc: ParkOSError, form=None) -> None:
    """Put a service error where people see it: onto the form's fields, and as a message."""
    if form is not None:
        for field, msgs in getattr(exc, "fields", {}).items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
        if not getattr(exc, "fields", None):
            form.add_error(None, str(exc.message))
    messages.error(request, str(exc.message))


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a post: the `next` it names when that is a path on this site, else `default` (never an
    outside address: no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return default


def form_errors(request: HttpRequest, form) -> None:
    """A form's errors as messages, each naming its field's label (for a small form posted from a record page)."""
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))


def form_post(
    request: HttpRequest, form, call: Callable[[dict[str, Any]], Any], *, ok: str, back: str
) -> HttpResponse:
    """The one way a small form on a record's page is posted: the form parses and validates, one service call does
    the work, and the page comes back (`back`, a URL) with the success message `ok` (or `ok(result)`) — or with
    each field's error and the service's refusal as messages, nothing written."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ParkOSError as exc:
            service_errors(request, exc)
        else:
            messages.success(request, ok(result) if callable(ok) else ok)
    else:
        form_errors(request, form)
    return redirect(back)


def action_post(
    request: HttpRequest,
    actions: Mapping[str, tuple[type, Callable[[dict[str, Any]], Any]]],
    *,
    ok: str,
    back: str,
) -> HttpResponse:
    """A record page's action buttons posted to one URL: `action` names one of `actions` (anything else is 404);
    its form class parses the post and its call does the work, as in `form_post`; `ok` is one message or one per
    action."""
    name = request.POST.get("action", "")
    if name not in actions:
        raise Http404
    form_class, call = actions[name]
    return form_post(
        request, form_class(request.POST), call, ok=ok[name] if isinstance(ok, Mapping) else ok, back=back
    )


def nav_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    ctx: dict[str, Any] = {"LANGUAGES": settings.LANGUAGES}
    if user is not None and user.is_authenticated:
        ctx["nav_role"] = user.get_role_display() if not user.is_superuser else _("System administrator")
        ctx["nav_can_import"] = access.may_open(user, "imports")
        ctx["nav_can_change"] = user.may(
            "change"
        )  # leaders read: no buttons that lead to a form they may not use
        ctx["nav_is_enterprise"] = user.is_enterprise_user
        ctx["nav_can_calendar"] = user.may("manage_calendar")
        ctx["nav_can_users"] = user.may("manage_users")
        ctx["nav_unread"] = notify.unread_count(user=user)  # one COUNT on an index (user, read_at)
    return ctx


# ---- pages ---------------------------------------------------------------------------------------------
@login_required
@access.page("imports", lambda user: user.may("import"))
def import_index(request: HttpRequest) -> HttpResponse:
    kinds = [(k, imp.schema.title) for k, imp in IMPORTERS.items()]
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kinds=kinds)
        if not form.is_valid():
            messages.error(request, _("Choose what to import and an Excel file."))
        else:
            d = form.cleaned_data
            try:
                run = import_run_start(
                    user=request.user, kind=d["kind"], upload=d["file"], dry_run=d["dry_run"]
                )
            except ParkOSError as exc:
                service_errors(request, exc)
            else:
                return redirect("import_run", pk=run.pk)
    runs = import_run_list(user=request.user)[:20]
    return render(
        request,
        "core/import.html",
        {"kinds": kinds, "runs": runs, "selected": ImportParams.of(request, kind="").kind},
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTERS or not request.user.may("import"):
        raise Http404
    schema = IMPORTERS[kind].schema
    return xlsx_response(schema.template_bytes(), f"{kind}-template.xlsx")


@login_required
def import_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get(user=request.user, pk=pk)
    ctx = {"run": run, "progress": progress_of("import", run.pk), "errors": run.errors[:500]}
    if is_htmx(request):
        return render(request, "core/_import_status.html", ctx)
    return render(request, "core/import_run.html", ctx)


@login_required
def import_run_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get(user=request.user, pk=pk)
    return xlsx_response(error_report_bytes(run.errors), f"import-{run.pk}-errors.xlsx")


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Pick the interface language: kept on the user (and in the cookie the login page reads); back to `next`."""
    form = LanguageForm(request.POST)
    response = redirect(next_url(request, reverse("home")))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            users.user_language_set(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    cal = working_calendar()
    result = None
    if request.method == "POST":

        def save(d) -> None:
            if d["action"] == "set":
                calendar_day_set(
                    user=request.user, date=d["date"], is_working=d["is_working"], note=d["note"]
                )
            else:
                calendar_day_delete(user=request.user, date=d["date"])

        if "notice" in request.POST:
            return form_post(
                request,
                CalendarNoticeForm(request.POST),
                lambda d: calendar_notice_load(
                    user=request.user,
                    year=d["year"],
                    days_off=d["days_off"],
                    working_days=d["working_days"],
                    source=d["source"],
                ),
                ok=_("The year's notice is loaded: it now decides the year's working days."),
                back=reverse("calendar"),
            )
        return form_post(
            request, CalendarDayForm(request.POST), save, ok=_("Calendar updated."), back=reverse("calendar")
        )
    calc = WorkingDaysForm(request.GET) if {"start", "n"} <= set(request.GET) else None
    if calc is not None and calc.is_valid():
        d, k = calc.cleaned_data["start"], calc.cleaned_data["n"]
        end = cal.add_working_days(d, k)
        result = {"start": d, "n": k, "date": end, "confirmed": cal.is_confirmed(d, end)}
    elif calc is not None:
        messages.error(request, _("Enter a date as YYYY-MM-DD and a whole number of days."))
    today = timezone.localdate()
    return render(
        request,
        "core/calendar.html",
        {
            "overrides": calendar_overrides(200),
            "deadlines": deadlines(user=request.user, today=today),
            "horizon": DEADLINE_HORIZON_DAYS,
            "result": result,
            "today": today,
            "confirmed_this_year": cal.is_confirmed(today),
            "confirmed_next_year": cal.is_confirmed(today.replace(year=today.year + 1, month=1, day=1)),
            "next_year": today.year + 1,
            "fallback": statutory_fallback(today.year + 1),
            "notice_form": CalendarNoticeForm(initial={"year": today.year + 1}),
        },
    )


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    """个人中心: who the user is here (role, department or enterprise, office powers), their password, their API
    tokens (made here, shown once, revoked here) and their own latest security events."""
    raw = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        try:
            if not form.is_valid():
                raise Invalid(_("Please correct the errors below."), fields=dict(form.errors))
            d = form.cleaned_data
            _token, raw = api_token_create(
                user=request.user, name=d["name"], scope=d["scope"], days=d["days"]
            )
        except ParkOSError as exc:
            service_errors(request, exc)
    user = request.user
    account = getattr(user, "enterprise_account", None)
    return render(
        request,
        "core/profile.html",
        {
            "tokens": api_token_list(user=user),
            "raw": raw,
            "token_days": TOKEN_DAYS,
            "enterprise": account.enterprise if account else None,
            "powers": capabilities.held(user),
            "events": own_security_events(user=user),
        },
    )


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """The tokens used to have a page of their own: it is the profile's section now."""
    return redirect(reverse("profile") + "#tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        api_token_revoke(user=request.user, pk=pk)
        messages.success(request, _("Token revoked."))
    except ParkOSError as exc:
        service_errors(request, exc)
    return redirect(reverse("profile") + "#tokens")


# ---- users -------------------------------------------------------------------------------------------


USER_TABLE = lists.Table(
    [
        lists.Col("username", _l("User name"), sort="username", header="用户名"),
        lists.Col("display_name", _l("display name"), header="显示名"),
        lists.Col("role", _l("role"), sort="role", export="get_role_display", header="角色"),
        lists.Col("department", _l("department"), sort="department", export="department.name", header="部门"),
        lists.Col(
            "enterprise",
            _l("enterprise"),
            export=lambda u: u.enterprise_account.enterprise.name if hasattr(u, "enterprise_account") else "",
            header="企业",
            width=30,
        ),
        lists.Col("is_active", _l("active"), header="是否启用"),
        lists.Col(
            "last_login",
            "",
            export=lambda u: (
                timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else ""
            ),
            header="最近登录",
            page=False,
        ),
    ],
    kind="users",
    title="用户",
)


def _users(request: HttpRequest):
    if not request.user.may("manage_users"):
        raise Http404
    return users.user_list(actor=request.user)


user_list_view = lists.ListPage(
    name="users",
    personal=True,
    url="users",
    queryset=_users,
    filters=UserFilters,
    table=USER_TABLE,
    template="core/users.html",
    partial="core/_users.html",
    export="users.xlsx",
    context=lambda request, page, fs: {"roles": users.roles_for(request.user)},
)


def _user_form(request: HttpRequest, *, instance=None) -> HttpResponse:
    actor = request.user
    choices = departments() if actor.is_zone_wide else departments(only_id=actor.department_id)
    kwargs = {"roles": users.roles_for(actor), "departments": choices, "editing": instance is not None}
    if request.method == "POST":
        form = UserForm(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            uscc = data.pop("enterprise_uscc", "").strip().upper()
            password = data.pop("password")
            enterprise = registries.directory().find(actor, uscc) if uscc else None
            if uscc and enterprise is None:
                form.add_error("enterprise_uscc", _("No enterprise with this USCC that you may see."))
            else:
                try:
                    if instance is None:
                        user = users.user_create(
                            actor=actor, data=data, password=password, enterprise=enterprise
                        )
                        messages.success(request, _("User created."))
                    else:
                        user = users.user_update(
                            actor=actor, pk=instance.pk, data=data, enterprise=enterprise, password=password
                        )
                        messages.success(request, _("Changes saved."))
                    return redirect("user_edit", pk=user.pk)
                except ParkOSError as exc:
                    service_errors(request, exc, form)
    else:
        form = UserForm(initial=UserForm.initial_for(instance) if instance else {"is_active": True}, **kwargs)
    history = history_entries([(str(_("user")), instance.history.filter(id=instance.pk))]) if instance else []
    return render(request, "core/user_form.html", {"form": form, "instance": instance, "history": history})


@login_required
def user_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.may("manage_users"):
        raise Http404
    return _user_form(request)


@login_required
def user_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_form(request, instance=users.user_get(actor=request.user, pk=pk))


# ---- office powers (capability grants) ------------------------------------------------------------------------
@login_required
def capabilities_view(request: HttpRequest) -> HttpResponse:
    """The offices' powers and who holds them; system administrators grant and revoke (never to themselves)."""
    from . import capabilities as caps

    actor = request.user
    if not (actor.is_zone_wide or actor.may("manage_users")):
        raise Http404
    can_grant = actor.is_superuser or actor.role == "system_admin"
    if request.method == "POST":
        if not can_grant:
            raise Http404

        def save(d) -> None:
            if d["revoke"]:
                caps.revoke(actor=actor, pk=d["revoke"])
            else:
                caps.grant(
                    actor=actor,
                    key=d["capability"],
                    department_id=d["department"],
                    user_id=d["user"],
                    note=d["note"],
                )

        return form_post(
            request,
            CapabilityGrantForm(request.POST),
            save,
            ok=_("Office powers saved."),
            back=reverse("capabilities"),
        )
    grants = list(caps.grant_list(actor=actor))
    rows = [
        {"cap": c, "grants": [g for g in grants if g.capability == c.key]} for c in registries.capabilities
    ]
    return render(
        request,
        "core/capabilities.html",
        {
            "rows": rows,
            "can_grant": can_grant,
            "departments": departments(),
            "staff": users.user_list(actor=actor).exclude(role="enterprise") if can_grant else [],
        },
    )


# ---- the inbox -------------------------------------------------------------------------------------------------
@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    """Every notice the user received: filters (kind, app, unread), search, pagination, bulk mark-read, links."""
    if request.method == "POST":
        return form_post(
            request,
            MarkReadForm(request.POST),
            lambda d: notify.mark_read(user=request.user, ids=None if d["all"] else d["notice"]),
            ok=lambda n: _("%(n)s notices marked read.") % {"n": n},
            back=request.get_full_path(),
        )
    return inbox_page(request)


INBOX_TABLE = lists.Table(
    [
        lists.Col("pick", "", export=None),
        lists.Col("created", _l("Date"), sort="created", export="notice.on", header="日期"),
        lists.Col("kind", _l("Kind"), export="notice.kind_label", header="类别"),
        lists.Col("message", _l("Notice"), export="notice.message", header="通知", width=60),
        lists.Col("read", "", export=lambda d: "已读" if d.read_at else "未读", header="状态", page=False),
    ],
    kind="inbox",
    title="消息",
)
inbox_page = lists.ListPage(
    name="inbox",
    url="inbox",
    queryset=lambda request: notify.inbox(user=request.user),
    filters=InboxFilters,
    table=INBOX_TABLE,
    template="core/inbox.html",
    partial="core/_inbox.html",
    export="inbox.xlsx",
    context=lambda request, page, fs: {"kinds": list(registries.alert_kinds)},
)


@login_required
def inbox_latest_view(request: HttpRequest) -> HttpResponse:
    """The header's inbox dropdown (htmx): the latest notices, unread first, each opening its record."""
    return render(request, "core/_inbox_latest.html", {"deliveries": notify.latest(user=request.user)})


@login_required
@require_POST
def inbox_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice (a POST: it is marked read), then on to the record it is about (or back to the inbox)."""
    url = notify.open_notice(user=request.user, pk=pk)
    return redirect(url if url.startswith("/") and not url.startswith("//") else reverse("inbox"))


@login_required
def digest_view(request: HttpRequest) -> HttpResponse:
    """Today's digest as a page (what the daily mail sends when a mail server is configured)."""
    form = DigestParams(request.GET)
    day = form.cleaned_data["day"] if form.is_valid() and form.cleaned_data["day"] else timezone.localdate()
    if form.errors:
        messages.error(request, _("Enter a date as YYYY-MM-DD."))
    return render(
        request, "core/digest.html", {"rows": notify.digest(user=request.user, day=day), "day": day}
    )


# ---- attachments -------------------------------------------------------------------------------------------
@login_required
def attachment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A file, to those who may see its record (404 to anyone else), as a download under its own name."""
    from django.http import FileResponse

    from .files import KINDS
    from .selectors import attachment_get

    a = attachment_get(user=request.user, pk=pk)
    suffix = a.name[a.name.rfind(".") :].lower() if "." in a.name else ""
    kind = KINDS.get(suffix)
    content_type = kind.content_type if kind else "application/octet-stream"
    accel = settings.FILES_ACCEL_PREFIX
    if accel:  # nginx sends the bytes from its internal location; the scope check above is ours
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(accel.rstrip("/") + "/" + a.file.name)
        response["Content-Disposition"] = content_disposition_header(True, a.name)
    else:
        try:
            fh = a.file.open("rb")
        except (
            FileNotFoundError
        ):  # the row outlived its file (lost storage, a restore without files): not a 500
            logging.getLogger(__name__).warning("attachment %s: stored file %s is missing", a.pk, a.file.name)
            raise Http404(
                _("The file is no longer on the server; an administrator can restore it from a backup.")
            ) from None
        response = FileResponse(fh, as_attachment=True, filename=a.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachments_add_view(request: HttpRequest) -> HttpResponse:
    from .forms import AttachmentForm
    from .services import attachments_add

    form = AttachmentForm(request.POST, request.FILES)
    back = next_url(request, "/")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    try:
        added = attachments_add(
            user=request.user,
            target=form.cleaned_data["target"],
            target_id=form.cleaned_data["target_id"],
            uploads=form.cleaned_data["files"],
        )
    except ParkOSError as exc:
        service_errors(request, exc)
    else:
        messages.success(request, _("%(n)s file(s) added.") % {"n": len(added)})
    return redirect(back)


@login_required
@require_POST
def attachment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    from .services import attachment_delete

    back = next_url(request, "/")
    try:
        attachment_delete(user=request.user, pk=pk)
    except ParkOSError as exc:
        service_errors(request, exc)
    else:
        messages.success(request, _("File removed."))
    return redirect(back)


# ---- the security log, passwords -----------------------------------------------------------------------------
SECURITY_TABLE = lists.Table(
    [
        lists.Col(
            "at",
            _l("time"),
            sort="at",
            export=lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            header="时间",
            width=20,
        ),
        lists.Col("kind", _l("event"), sort="kind", export="get_kind_display", header="事件"),
        lists.Col("username", _l("user name"), sort="username", header="用户名"),
        lists.Col("ip", _l("address"), header="地址"),
        lists.Col("detail", _l("detail"), header="详情", width=50),
    ],
    kind="security-log",
    title="安全日志",
)


def _security_events(request: HttpRequest):
    if not access.may_open(request.user, "security_log"):
        raise Http404
    return security_events(user=request.user)


security_log_view = access.page("security_log", capabilities.is_system_admin)(
    lists.ListPage(
        name="security-log",
        url="security_log",
        queryset=_security_events,
        filters=SecurityFilters,
        table=SECURITY_TABLE,
        template="core/security_log.html",
        partial="core/_security_log.html",
        export="security-log.xlsx",
        personal=True,
        context=lambda request, page, fs: {"kinds": SecurityEvent.Kind.choices},
    )
)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_reset": settings.PARKOS_MAIL_ENABLED}


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password (Django's rules: `AUTH_PASSWORD_VALIDATORS`); logged."""

    template_name = "core/password_form.html"
    success_url = reverse_lazy("home")
    extra_context = {"title": _l("Change password")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form)
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        security.record(SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _mail_only(view):
    """The reset by mail exists only where mail is configured (EMAIL_HOST); elsewhere an administrator resets."""

    def guarded(request, *args, **kwargs):
        if not settings.PARKOS_MAIL_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_form.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": _l("Reset the password by mail")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form)
        return form


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_form.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": _l("Choose a new password")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form)
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        security.record(
            SecurityEvent.Kind.PASSWORD_RESET, request=self.request, user=form.user, detail=_("by mail")
        )
        return response


password_change_view = login_required(PasswordChangeView.as_view())
password_reset_view = _mail_only(PasswordResetView.as_view())
password_reset_done_view = _mail_only(
    auth_views.PasswordResetDoneView.as_view(
        template_name="core/password_message.html",
        extra_context={
            "message": _l("If an account has this address, a link to reset its password is on its way.")
        },
    )
)
password_reset_confirm_view = _mail_only(PasswordResetConfirmView.as_view())
password_reset_complete_view = _mail_only(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="core/password_message.html",
        extra_context={"message": _l("Your password has been set. You may log in now."), "login_link": True},
    )
)


# ---- error pages: JSON under /api/ (what the API's schema states), the HTML pages elsewhere ---------------------
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("Not found."), "extra": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "code": "server_error",
            "message": _("The system failed; nothing was done. Please try again later."),
            "extra": {},
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the monitor: the database answers, and the worker beat in the last two minutes
    (asked for where a worker is expected, PARKOS_EXPECT_WORKER). 200 when healthy, 503 otherwise; no login."""
    from django.db import connection

    from . import worker

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 — any failure of the database is "not healthy", never a 500
        database = "unavailable"
    last = worker.last_beat()
    body = {
        "database": database,
        "worker": {"last_beat": last.isoformat() if last else None, "alive": worker.alive()},
    }
    healthy = database == "ok" and (worker.alive() or not settings.PARKOS_EXPECT_WORKER)
    return JsonResponse({"status": "ok" if healthy else "unhealthy", **body}, status=200 if healthy else 503)
