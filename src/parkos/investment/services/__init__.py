"""Every write of investment promotion (a package: leads, meetings, settings, common): permission, validation,
the workflow, audit, one transaction."""

from .common import DuplicateFound, _staff, find_matches, match_view, normaliser, open_leads, user_teams  # noqa: F401
from .leads import (  # noqa: F401
    activity_add,
    funds_add,
    is_contested,
    lead_create,
    lead_lose,
    lead_move,
    lead_sign,
    lead_update,
    leads_from_targets,
)
from .meetings import conflict_decide, conflict_open, meeting_close, meeting_save, next_meeting  # noqa: F401
from .settings import config_update, default_scheme, event_save, scheme_save, team_save  # noqa: F401
