"""The policy app's state machines as kernel workflows (`core.workflow`): an enterprise's application under a clause
(submitted → approved | rejected, or withdrawn by the enterprise while it waits) and a grant (proposed by a
免申即享 list → approved → disbursed; approved at once from an approved application; cancelled before payment)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.exceptions import Invalid
from parkos.core.workflow import Workflow, step

from .models import Application, Grant

A = Application.State
APPLICATION = Workflow(
    "policies.application",
    "policies.Application",
    [
        step("approve", A.SUBMITTED, A.APPROVED, _("Approve")),
        step("reject", A.SUBMITTED, A.REJECTED, _("Reject")),
        step("withdraw", A.SUBMITTED, A.WITHDRAWN, _("Withdraw")),
    ],
)


def _amount_known(grant: Grant) -> None:
    if grant.amount is None:  # data missing: stays proposed until the figure is in
        raise Invalid(_("The amount is not known yet: the figure it is computed from is missing."))


G = Grant.State
GRANT = Workflow(
    "policies.grant",
    "policies.Grant",
    [
        step(
            "propose", (), None, _("Proposed by the 免申即享 list"), auto=True
        ),  # created (`workflow.record`)
        step("approve", G.PROPOSED, G.APPROVED, _("Approve"), guard=_amount_known),
        step("disburse", G.APPROVED, G.DISBURSED, _("Disburse")),
        step("cancel", {G.PROPOSED, G.APPROVED}, G.CANCELLED, _("Cancel")),
    ],
)

WORKFLOWS = (APPLICATION, GRANT)
