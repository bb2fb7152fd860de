from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from parkos.core.models import Light

register = template.Library()

CSS = {
    "green": "bg-green",
    "yellow": "bg-yellow",
    "red": "bg-red",
    "grey": "bg-secondary",
    "done": "bg-blue-lt",
}


def _label(light: str) -> str:
    return str(Light(light).label) if light in Light.values else ""


@register.simple_tag
def light_badge(light: str, remaining=None):
    """A coloured badge for a light, with the working days left (or over) when given."""
    if not light:
        return ""
    text = _label(light)
    if remaining is not None and light in {"green", "yellow"}:
        text = ngettext("%(n)s working day left", "%(n)s working days left", remaining) % {"n": remaining}
    elif remaining is not None and light == "red" and remaining < 0:
        text = ngettext("%(n)s working day over", "%(n)s working days over", -remaining) % {"n": -remaining}
    css = CSS.get(light, "")
    if light == "done" and remaining is not None and remaining < 0:  # decided, but after the deadline
        text = ngettext("late by %(n)s working day", "late by %(n)s working days", -remaining) % {
            "n": -remaining
        }
        css = "bg-orange-lt"
    fg = " text-white" if light in {"green", "red", "grey"} else (" text-dark" if light == "yellow" else "")
    return format_html('<span class="badge {}{} light" data-light="{}">{}</span>', css, fg, light, text)
