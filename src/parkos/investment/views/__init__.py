"""Investment promotion pages (a package: leads, meetings, events, common). Thin: selectors read, services
write."""

from .events import (  # noqa: F401
    events_view,
    figures_view,
    from_targets_view,
    node_targets_actions,
    rankings_view,
    settings_view,
)
from .leads import (  # noqa: F401
    activity_add_view,
    board_view,
    funds_add_view,
    lead_create_view,
    lead_edit_view,
    lead_list_view,
    lead_move_view,
    lead_view,
    lose_view,
    sign_view,
)
from .meetings import conflict_decide_view, conflicts_view, meeting_view, meetings_view  # noqa: F401
