"""What other apps may use of credit supervision (ARCHITECTURE.md: apps reach each other only through public.py).

- `record_false_commitment`: approval verification found a 告知承诺 false — the verifying department writes the
  失信 record (一般), which counts for the class, the rules and the 亩均 veto like any other.
- `effective_classes`: the effective class of enterprises (none → B).
"""

from __future__ import annotations

from .models import CreditProfile, RiskClass
from .services.records import record_false_commitment


def effective_classes(enterprise_ids: list[int]) -> dict[int, str]:
    found = dict(
        CreditProfile.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "effective_class"
        )
    )
    return {e: found.get(e, "B") for e in enterprise_ids}


__all__ = ["RiskClass", "effective_classes", "record_false_commitment"]
