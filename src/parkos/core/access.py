"""Who may open a page — one rule per page, asked by the view and by every template that would link to it.

    @login_required
    @access.page("workplan:mine", lambda user: user.department_id is not None)
    def my_tasks(request): ...                       # anyone else is answered 404, as for a record out of scope

    {% load kernel %}{% if user|may_open:"workplan:mine" %}<a href="{% url 'workplan:mine' %}">…</a>{% endif %}

A link is shown only where the user may follow it: the template asks the very rule the view enforces.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404

Rule = Callable[[Any], bool]
_RULES: dict[str, Rule] = {}


def page(name: str, rule: Rule) -> Callable:
    """Register `rule(user)` for the page named `name` (its URL name) and enforce it on the view (404)."""

    def decorate(view: Callable) -> Callable:
        _RULES[name] = rule

        @wraps(view)
        def guarded(request, *args: Any, **kwargs: Any):
            if not rule(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def may_open(user: Any, name: str) -> bool:
    """Whether `user` may open the page named `name` (a page without a rule is open to every logged-in user)."""
    if user is None or not user.is_authenticated:
        return False
    rule = _RULES.get(name)
    return True if rule is None else bool(rule(user))
