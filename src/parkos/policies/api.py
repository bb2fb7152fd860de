"""Policies API: the library and an enterprise's matches with the explanation per condition."""

from ninja import Router, Schema

from parkos.enterprises.selectors import enterprise_get

from . import selectors

router = Router(tags=["policies"])


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    level: str
    doc_number: str


class ConditionOut(Schema):
    text: str
    status: str
    actual: str | None
    missing: str


class MatchOut(Schema):
    clause: int
    policy: str
    title: str
    status: str
    amount: float | None
    support: str
    conditions: list[ConditionOut]


@router.get("/", response=list[PolicyOut], summary="Policies")
def list_policies(request, q: str = "", level: str = ""):
    return list(selectors.policy_list(user=request.user, filters={"q": q, "level": level})[:500])


@router.get(
    "/matches/{int:enterprise}",
    response=list[MatchOut],
    summary="An enterprise's eligible (or to-check) clauses, explained",
)
def matches(request, enterprise: int):

    enterprise_get(user=request.user, pk=enterprise)
    return [
        {
            "clause": m["clause"].pk,
            "policy": m["clause"].policy.title,
            "title": m["clause"].title,
            "status": m["status"],
            "amount": m["amount"],
            "support": m["support_text"],
            "conditions": m["conditions"],
        }
        for m in selectors.enterprise_matches(user=request.user, enterprise_id=enterprise)
    ]
