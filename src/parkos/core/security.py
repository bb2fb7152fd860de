"""Who is asking, from where, and how often.

- `client_ip(request)`: the client's address. Behind reverse proxies (`PARKOS_TRUSTED_PROXIES` = how many, nginx
  appending `$proxy_add_x_forwarded_for`) it is the address the outermost trusted proxy saw — never the proxy's own,
  which would lock out everyone behind it at once, and never a value the client wrote into the header itself. The
  login lockout (django-axes) and the rate limits both use it.
- `RateLimitMiddleware`: login attempts per address (`PARKOS_RATE_LOGIN`) and API calls per token, user or address
  (`PARKOS_RATE_API`), counted by django-ratelimit in the shared cache (Redis in production: atomic across
  processes); over the limit is a 429 with `Retry-After`, in Chinese.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, seen through `PARKOS_TRUSTED_PROXIES` reverse proxies (0: the peer's address)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "PARKOS_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:  # each trusted proxy appended the address it saw: count back from the right
            ip = _valid_ip(hops[-proxies])
            if ip is not None:
                return ip
    return _valid_ip(remote) or "0.0.0.0"  # noqa: S104 — not a bind address: an unknown peer


def _api_key(group: str, request: HttpRequest) -> str:
    """An API caller: its token (hashed), else its session's user, else its address."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def wait_seconds(request: HttpRequest, group: str) -> int | None:
    """Count this request against `group`'s limit; the seconds to wait when it is over, else None."""
    if group == "api":
        usage = get_usage(
            request, group="parkos.api", key=_api_key, rate=settings.PARKOS_RATE_API, increment=True
        )
    else:
        usage = get_usage(
            request,
            group="parkos.login",
            key=_ip_key,
            rate=settings.PARKOS_RATE_LOGIN,
            method="POST",
            increment=True,
        )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


class RateLimitMiddleware:
    """429 with `Retry-After` for login posts and API calls over their limits (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.login_path = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.login_path:
            self.login_path = reverse("login")
        path = request.path_info
        group = "api" if path.startswith("/api/") else "login" if path == self.login_path else None
        wait = wait_seconds(request, group) if group else None
        if wait is None:
            return self.get_response(request)
        from .models import SecurityEvent

        caller = _api_key(group, request) if group == "api" else client_ip(request)
        if cache.add(f"parkos:rate-limited:{group}:{caller}", 1, timeout=wait):  # once per caller and window
            record(SecurityEvent.Kind.RATE_LIMITED, request=request, detail=f"{group} {path}")
        message = _("Too many requests: please try again in %(n)s seconds.") % {"n": wait}
        if group == "api":
            response: HttpResponse = JsonResponse({"detail": message}, status=429)
        else:
            response = render(request, "core/rate_limited.html", {"message": message}, status=429)
        response["Retry-After"] = str(wait)
        return response


# ---- the security log -------------------------------------------------------------------------------------------
def record(
    kind: str, *, request: HttpRequest | None = None, user=None, username: str = "", detail: str = ""
) -> None:
    """Write one security event (who, from where, what); never fails the request it describes."""
    from .models import SecurityEvent

    if user is None and request is not None:
        u = getattr(request, "user", None)
        user = u if u is not None and u.is_authenticated else None
    SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip=client_ip(request) if request is not None else None,
        detail=str(detail)[:300],
    )


def record_once(kind: str, *, request: HttpRequest, detail: str = "", seconds: int = 60) -> None:
    """`record`, at most once a minute per kind and address (refused tokens: a flood writes one row a minute)."""
    if cache.add(f"parkos:security:{kind}:{client_ip(request)}", 1, timeout=seconds):
        record(kind, request=request, detail=detail)


def connect_signals() -> None:
    """Logins, failed logins, logouts (Django's signals) and lockouts (django-axes) go into the security log."""
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    from .models import SecurityEvent

    K = SecurityEvent.Kind

    def logged_in(sender, request, user, **kw):
        record(K.LOGIN, request=request, user=user)

    def logged_out(sender, request, user, **kw):
        if user is not None:
            record(K.LOGOUT, request=request, user=user)

    def failed(sender, credentials, request=None, **kw):
        record(K.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))

    def locked(sender, request, username, ip_address, **kw):
        record(K.LOCKED_OUT, request=request, username=username or "")

    user_logged_in.connect(logged_in, dispatch_uid="parkos.security.login", weak=False)
    user_logged_out.connect(logged_out, dispatch_uid="parkos.security.logout", weak=False)
    user_login_failed.connect(failed, dispatch_uid="parkos.security.failed", weak=False)
    user_locked_out.connect(locked, dispatch_uid="parkos.security.locked", weak=False)
