"""What other apps may use of `chains` (investment turns targets into leads and credits filled gaps)."""

from .models import Chain, Node, Segment, Target
from .selectors import gap_node_ids, node_choices

__all__ = [
    "Chain",
    "Node",
    "Segment",
    "Target",
    "gap_node_ids",
    "node_choices",
    "chain_options",
    "targets_open",
    "nodes_by_label",
]


def chain_options() -> list[Chain]:
    """Every chain, for filters (chain names are not confidential)."""
    return list(Chain.objects.all())


def targets_open(target_ids: list[int]):
    """The chosen targets not yet made leads, with their node."""
    return Target.objects.filter(pk__in=target_ids, lead__isnull=True).select_related("node")


def nodes_by_label(label) -> dict[str, Node]:
    """Every node by its label (`label(node)`), for imports that name nodes."""
    return {label(n): n for n in Node.objects.select_related("chain")}
