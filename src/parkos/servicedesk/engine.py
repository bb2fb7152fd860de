"""Pure rules of the service desk: the SLA light of a request's step (the kernel's three-colour rule).

(The request state machine is a kernel workflow: servicedesk.workflows; the rating metrics are the ratings app's.)
"""

from __future__ import annotations

from parkos.core.clocks import step_light as light

__all__ = ["light"]
