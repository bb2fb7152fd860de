"""What the investment pages share: the lead table, the kinds, the filter choices, small helpers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import lists

from .. import selectors, services
from ..models import (
    Source,
    Stage,
    State,
    acts_as_office,
    is_coordinator,
)

LEAD_TABLE = lists.Table(
    [
        lists.Col("investor_name", gettext_lazy("Investor"), sort="investor_name"),
        lists.Col("title", gettext_lazy("Project idea")),
        lists.Col("amount", gettext_lazy("Planned (10k yuan)"), sort="amount"),
        lists.Col("stage", gettext_lazy("Stage"), sort="stage"),
        lists.Col("team", gettext_lazy("Team"), sort="team__code"),
        lists.Col("officer", gettext_lazy("Officer")),
        lists.Col("last_activity_on", gettext_lazy("Last activity"), sort="last_activity_on"),
        lists.Col("next_step_on", gettext_lazy("Next step"), sort="next_step_on"),
    ],
    kind="leads",
)
KINDS = [
    ("top500", gettext_lazy("Top-500")), ("foreign", gettext_lazy("Foreign")), ("hq", gettext_lazy("Headquarters")),
    ("soe", gettext_lazy("Central SOE")), ("leader", gettext_lazy("Industry leader")), ("gap", gettext_lazy("Fills a chain gap")),
]  # fmt: skip


def _filter_ctx(request, filters) -> dict:
    from parkos.chains.public import chain_options

    return {
        "filters": filters,
        "stages": Stage.choices,
        "states": [*State.choices, ("all", _("All"))],
        "teams": selectors.teams(),
        "sources": Source.choices,
        "chains": chain_options(),
        "kinds": KINDS,
        "can_change": request.user.may("change")
        and bool(services.user_teams(request.user) or is_coordinator(request.user)),
        "is_coordinator": acts_as_office(request.user),  # the conflict decision's buttons
    }
