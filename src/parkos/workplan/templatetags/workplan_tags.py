from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:code }}`: a dict's value in a template."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def warning_text(warning) -> str:
    """A parse warning in the user's language (the engine keeps its parts)."""
    kind, parts = getattr(warning, "kind", ""), getattr(warning, "parts", {})
    if kind == "repeat":
        return _("line %(line)s: “%(label)s” repeats the previous number") % parts
    if kind == "gap":
        return _("line %(line)s: “%(label)s” where %(expected)s was expected") % parts
    if kind == "no_items":
        return _("No numbered points were found.")
    return str(warning)
