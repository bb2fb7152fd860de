"""Template tags every app's pages share: `{% load kernel %}`."""

from __future__ import annotations

from typing import Any

from django import template

from parkos.core.lists import PAGE_SIZES, paginate

register = template.Library()

HISTORY_PAGE = 20  # entries a page of a record's change history shows


@register.inclusion_tag("core/_history.html", takes_context=True)
def history_table(context: template.Context, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A record's change history (`core.selectors.history_entries`): collapsed under its heading, 20 entries a page
    (`?history=N`, which also opens it), each change as `field: old → new` in labels."""
    request = context["request"]
    page = paginate(request, entries, HISTORY_PAGE, param="history")
    return {"history_page": page, "request": request, "open": "history" in request.GET}


@register.filter
def may_open(user: Any, name: str) -> bool:
    """`{% if user|may_open:"workplan:mine" %}`: the rule the page's view enforces (`core.access.page`)."""
    from parkos.core import access

    return access.may_open(user, name)


@register.filter
def page_numbers(page: Any) -> list[Any]:
    """The page numbers a list's footer links: the first, the last, two either side of this one, `…` between."""
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [n if isinstance(n, int) else None for n in elided]  # None: the gap


@register.filter
def page_sizes(page: Any) -> tuple[int, ...]:
    """The rows-a-page a user may choose, with the page's own size among them."""
    return tuple(sorted({*PAGE_SIZES, page.paginator.per_page}))


# ---- one number format: thousands separators, money with two decimals, half-up (core.numbers) -------------
def _number(value: Any, places: int) -> str:
    from parkos.core.numbers import formatted

    return formatted(value, places)


@register.filter
def money(value: Any) -> str:
    """An amount (万元, 元): `1,234.50`; empty for no value."""
    return _number(value, 2)


@register.filter
def count(value: Any) -> str:
    """A count or a whole figure: `12,345`."""
    return _number(value, 0)


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments(context: template.Context, target: str, target_id: int) -> dict[str, Any]:
    """A record's files with a download link each, and the upload form when the user may add files (the one
    attachments panel of every app)."""
    from django.conf import settings

    from parkos.core.files import accepted
    from parkos.core.selectors import attachments_of, may_attach

    request = context.request  # the HttpRequest even where a page calls its record "request" (service desk)
    user = request.user
    return {
        "files": attachments_of(user=user, target=target, target_id=target_id),
        "can_add": may_attach(user=user, target=target, target_id=target_id),
        "target": target,
        "target_id": target_id,
        "user": user,
        "next": request.get_full_path(),
        "accept": accepted(),
        "limit_mb": settings.ATTACHMENT_MAX_BYTES // 1048576,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def filesize(n: Any) -> str:
    """Bytes as people read them: 812 KB, 3.4 MB."""
    if n is None:
        return ""
    n = int(n)
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1048576:.1f} MB"


# ---- time-limit lights (core.models.Light): one label and one badge colour everywhere ----------------------------
@register.filter
def light_label(light: str) -> str:
    from parkos.core.models import Light

    return str(Light(light).label) if light in Light.values else ""


@register.filter
def light_badge(light: str) -> str:
    from parkos.core.models import LIGHT_BADGE

    return LIGHT_BADGE.get(light, "")
