"""Every write to chains: chains and nodes, enterprises on nodes (链主 flags), supply relations, target companies
and the gap thresholds. The chain's department (or a zone-wide user) edits it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import audited
from parkos.core.services import check_version
from parkos.core.services import clean_and_save as _save
from parkos.enterprises.models import Enterprise

from .models import Chain, ChainConfig, Node, Placement, SupplyRelation, Target

CHAIN_FIELDS = ["name", "code", "description", "department", "order"]
NODE_FIELDS = [
    "name",
    "parent",
    "segment",
    "is_key",
    "min_enterprises",
    "min_output",
    "min_local_rate",
    "order",
]
TARGET_FIELDS = ["name", "uscc", "region", "top500_list", "is_foreign", "is_headquarters", "notes"]


def _may_edit(user, chain: Chain | None) -> None:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change industry chains."))
    if user.is_zone_wide:
        return
    if chain is None:
        if not ChainConfig.may_change(user):
            raise Forbidden(_("Only the industry-chain office creates industry chains."))
    elif chain.department_id not in (None, user.department_id):
        raise Forbidden(_("Only the chain's department changes it."))


def _get(qs, user, **lookup):
    """The record if the user may see it, else 404 (missing and out of scope look the same)."""
    return get_object_or_404(qs.restrict(user, "view"), **lookup)


@transaction.atomic
def chain_save(*, user, data: dict[str, Any], pk: int | None = None, version: int | None = None) -> Chain:
    chain = _get(Chain.objects.select_for_update(), user, pk=pk) if pk else Chain()
    _may_edit(user, chain if pk else None)
    if pk:
        if version is not None:
            check_version(chain, version)
        chain.version += 1
    for k in CHAIN_FIELDS:
        if k in data:
            setattr(chain, k, data[k])
    if not pk and chain.department_id is None and not user.is_zone_wide:
        chain.department_id = user.department_id
    _save(chain, user=user)
    return chain


@transaction.atomic
def node_save(
    *, user, chain_id: int, data: dict[str, Any], pk: int | None = None, version: int | None = None
) -> Node:
    chain = _get(Chain.objects, user, pk=chain_id)
    _may_edit(user, chain)
    node = _get(Node.objects.select_for_update(), user, pk=pk, chain=chain) if pk else Node(chain=chain)
    if pk:
        if version is not None:
            check_version(node, version)
        node.version += 1
    for k in NODE_FIELDS:
        if k in data:
            setattr(node, k, data[k])
    parent = node.parent
    while parent is not None:  # a node may not sit under itself or another chain
        if parent.chain_id != chain.pk or (pk and parent.pk == pk):
            raise Invalid(
                _("The parent must be another node of the same chain, not below this one."),
                fields={"parent": [_("not allowed")]},
            )
        parent = parent.parent
    _save(node, user=user)
    return node


@transaction.atomic
def node_delete(*, user, pk: int) -> None:
    node = _get(Node.objects.select_related("chain"), user, pk=pk)
    _may_edit(user, node.chain)
    if node.children.exists():
        raise Invalid(_("Remove or move the node's sub-nodes first."))
    audited(node, user)
    node.delete()


@transaction.atomic
def placement_set(*, user, node_id: int, enterprise_id: int, is_leader: bool = False) -> Placement:
    node = _get(Node.objects.select_related("chain"), user, pk=node_id)
    _may_edit(user, node.chain)
    if not Enterprise.objects.filter(pk=enterprise_id).exists():
        raise Invalid(_("No such enterprise in the registry."), fields={"enterprise": [_("unknown")]})
    p, _created = Placement.objects.get_or_create(node=node, enterprise_id=enterprise_id)
    if p.is_leader != is_leader:
        p.is_leader = is_leader
        audited(p, user)
        p.save()
    return p


@transaction.atomic
def placement_remove(*, user, pk: int) -> None:
    p = _get(Placement.objects.select_related("node__chain"), user, pk=pk)
    _may_edit(user, p.node.chain)
    audited(p, user)
    p.delete()


@transaction.atomic
def supply_add(
    *,
    user,
    node_id: int,
    buyer_id: int,
    year: int,
    amount: Decimal,
    supplier_id: int | None = None,
    supplier_name: str = "",
    supplier_region: str = "",
) -> SupplyRelation:
    node = _get(Node.objects.select_related("chain"), user, pk=node_id)
    _may_edit(user, node.chain)
    if supplier_id is None and not supplier_name.strip():
        raise Invalid(_("Name the supplier."), fields={"supplier_name": [_("required")]})
    rel = SupplyRelation(
        node=node,
        buyer_id=buyer_id,
        supplier_id=supplier_id,
        supplier_name=supplier_name.strip(),
        supplier_region=supplier_region.strip(),
        year=year,
        amount=amount,
    )
    _save(rel, user=user)
    return rel


@transaction.atomic
def supply_delete(*, user, pk: int) -> None:
    rel = _get(SupplyRelation.objects.select_related("node__chain"), user, pk=pk)
    _may_edit(user, rel.node.chain)
    audited(rel, user)
    rel.delete()


@transaction.atomic
def target_add(*, user, node_id: int, data: dict[str, Any]) -> Target:
    node = _get(Node.objects.select_related("chain"), user, pk=node_id)
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change industry chains."))
    t = Target(node=node, created_by=user, **{k: v for k, v in data.items() if k in TARGET_FIELDS})
    t.uscc = (t.uscc or "").strip().upper()
    try:
        with transaction.atomic():
            _save(t, user=user)
    except IntegrityError:
        raise Invalid(
            _("This company is already a target of the node."), fields={"name": [_("already listed")]}
        ) from None
    return t


def config_update(*, user, data: dict[str, Any]):
    return ChainConfig.save_values(user=user, data={k: v for k, v in data.items() if v is not None})
