from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:code }}`: a dict's value in a template."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
