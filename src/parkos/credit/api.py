"""Credit API: an enterprise's credit record (class, inputs, records), the draw records (the export anyone can
re-run) and the published inspection results. Same scope as the pages."""

from ninja import Field, FilterSchema, ModelSchema, Query, Router, Schema
from ninja.pagination import paginate

from parkos.core.api import Labelled, Pages, related
from parkos.enterprises.selectors import enterprise_get

from . import selectors
from .models import CreditRecord, Inspection

router = Router(tags=["credit"])


class RecordOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "enterprise",
            "kind",
            "severity",
            "title",
            "document_no",
            "department",
            "decided_on",
            "publish_due",
            "published_on",
            "repair_from",
            "publish_until",
            "status",
            "ended_on",
        ]


class CreditOut(Schema):
    enterprise: int
    effective_class: str = Field(
        ..., description="A–D; an enterprise without any credit input is treated as B"
    )
    samr_class: str
    serious: bool
    abnormal: bool
    watch: bool
    inputs: list[list] = Field(
        ..., description="[input, value, class, as of] of every input that set the class"
    )
    records: list[RecordOut]


class ResultOut(ModelSchema, metaclass=Labelled):
    enterprise_name: str = Field(..., alias="enterprise.name")
    uscc: str = Field(..., alias="enterprise.uscc")
    task_code: str = Field(..., alias="task.code")
    task_name: str = Field(..., alias="task.name")

    class Meta:
        model = Inspection
        fields = ["id", "enterprise", "result", "inspected_on", "published_on"]


class ResultFilterIn(FilterSchema):
    q: str = ""
    result: str = ""
    department: int | None = None


class DrawOut(Schema):
    task: int = Field(..., alias="task_id")
    task_code: str = Field(..., alias="task.code")
    task_name: str = Field(..., alias="task.name")
    drawn_at: str
    output_hash: str
    record_hash: str

    @staticmethod
    def resolve_drawn_at(obj) -> str:
        return obj.drawn_at.isoformat()


@router.get(
    "/enterprises/{int:pk}", response=CreditOut, summary="An enterprise's credit: class, inputs, records"
)
def get_enterprise_credit(request, pk: int):
    enterprise = enterprise_get(user=request.user, pk=pk)
    profile = selectors.profile_of(user=request.user, enterprise_id=enterprise.pk)
    return {
        "enterprise": enterprise.pk,
        "effective_class": profile.effective_class if profile else "B",
        "samr_class": profile.samr_class if profile else "",
        "serious": bool(profile and profile.serious),
        "abnormal": bool(profile and profile.abnormal),
        "watch": bool(profile and profile.watch),
        "inputs": profile.inputs if profile else [],
        "records": list(selectors.record_list(user=request.user).filter(enterprise=enterprise)),
    }


@router.get("/draws", response=list[DrawOut], summary="Every draw record (public)")
@paginate(Pages)
def list_draws(request):
    return selectors.public_records().order_by("-drawn_at", "-pk")


@router.get(
    "/draws/{int:task}", response=dict, summary="A draw record as JSON: re-run it with `parkos credit verify`"
)
def get_draw(request, task: int):
    """While the sample is withheld until inspection day, the record without its secret, seed and result."""
    record = selectors.record_of_task(pk=task)
    held = selectors.record_held(user=request.user, task=record.task)
    shown = selectors.held_export(record) if held else selectors.record_export(record)
    return shown | {"record_hash": record.record_hash}


@router.get("/results", response=list[ResultOut], summary="Published inspection results (一公开)")
@paginate(Pages)
def list_results(request, filters: Query[ResultFilterIn]):
    qs = selectors.published_results()
    if filters.result:
        qs = qs.filter(result=filters.result)
    if filters.department:
        qs = qs.filter(task__department_id=filters.department)
    if filters.q:
        qs = qs.filter(enterprise__name__contains=filters.q.strip()[:100]) | qs.filter(
            enterprise__uscc=filters.q.strip().upper()[:18]
        )
    return related(qs.order_by("-published_on", "-pk"), ResultOut)
