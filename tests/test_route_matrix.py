"""Every route × every role × an object inside and outside the role's scope (issue 14 §1), after NetBox's
`ViewTestCases` and `APIViewTestCases`: the matrix is generated from the URL configuration and the OpenAPI schema,
and a route missing from the tables below fails `test_every_route_and_operation_is_in_the_matrix`.

For a route about an object, the oracle is the object's scope (`Model.objects.restrict(user, action)`, or the rule
written beside the route): an object the user may not see answers 404 to GET and to every write, an object they may
see but not change answers 403 or 404 to a write, and neither writes a row. A route without an object names who may
write through it; everyone else gets 403, 404 or 405 and nothing is written. Nothing answers 5xx.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkos.core import capabilities
from parkos.core.models import ApiToken, Attachment, Department, ImportRun, NoticeRecipient, Role, User
from parkos.core.registries import attachment_targets
from parkos.core.services import api_token_create
from parkos.demo import demo_build

pytestmark = pytest.mark.slow

ROLES = [
    "admin",
    "leader",
    "ghj_admin",
    "jfj_staff",
    "qiye",
]  # one login per role (ghj_admin holds no office)

# what a refused request may still write: the session, the lockout's counters, the security log, a token's last use
FREE_TABLES = ("django_session", "axes_", "core_securityevent", "core_apitoken")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z0-9_]+)"?', re.I)


# ---- who may write through a route without an object --------------------------------------------------------------


def anyone(_u: User) -> bool:
    return True


def nobody(_u: User) -> bool:
    return False


def acts(action: str) -> Callable[[User], bool]:
    return lambda u: u.may(action) and not u.is_enterprise_user


def official(u: User) -> bool:
    return not u.is_enterprise_user


def enterprise_user(u: User) -> bool:
    return u.is_enterprise_user


def system_admin(u: User) -> bool:
    return capabilities.is_system_admin(u)


def holds(key: str, action: str = "change") -> Callable[[User], bool]:
    return lambda u: capabilities.is_system_admin(u) or capabilities.acts(u, key, action)


# ---- the scope of objects without a scoped manager ----------------------------------------------------------------


def restrict(model: str) -> Callable[[User, str], QuerySet]:
    return lambda u, action: apps.get_model(model).objects.restrict(u, action)


def zone_knowledge(
    model: str, writers: Callable[[User], bool] = system_admin
) -> Callable[[User, str], QuerySet]:
    """Zone-wide reference data: every official reads it; `writers` change it."""

    def scope(u: User, action: str) -> QuerySet:
        qs = apps.get_model(model).objects.all()
        if u.is_enterprise_user:
            return qs.none()
        if action in {"view", "export"}:
            return qs
        return qs if writers(u) else qs.none()

    return scope


def via(model: str, parent: str, parent_model: str) -> Callable[[User, str], QuerySet]:
    """A record scoped by the record it belongs to (an instruction by its task)."""
    return lambda u, action: apps.get_model(model).objects.filter(
        **{f"{parent}__in": apps.get_model(parent_model).objects.restrict(u, action).values("pk")}
    )


def own_tokens(u: User, action: str) -> QuerySet:
    return ApiToken.objects.filter(user=u)


def managed_users(u: User, action: str) -> QuerySet:
    if capabilities.is_system_admin(u):
        return User.objects.all()
    if u.role == Role.DEPT_ADMIN:
        return User.objects.filter(department_id=u.department_id)
    return User.objects.none()


def visible_files(u: User, action: str) -> QuerySet:
    pks = [a.pk for a in Attachment.objects.all() if attachment_targets[a.target].may_view(u, a.target_id)]
    return Attachment.objects.filter(pk__in=pks)


# ---- the tables ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Free:
    """A route without an object: `writers` may POST through it; GET answers one of `get`."""

    writers: Callable[[User], bool] = nobody
    kwargs: dict[str, Any] = field(default_factory=dict)
    get: frozenset[int] = frozenset({200, 302, 403, 405})
    data: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    query: str = ""  # what a read needs besides the path (`?year=2025`)


@dataclass(frozen=True)
class On:
    """A route about one object: `scope(user, action)` is what the user may see (`view`) or act on (`acts`)."""

    scope: Callable[[User, str], QuerySet]
    kwargs: Callable[[Any], dict[str, Any]] = lambda o: {"pk": o.pk}
    acts: str = "change"  # the action a write needs
    reads_only: bool = False  # the route shows or exports; nothing is posted to it
    query: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    why: str


ENT, PROJECT, LEAD, TASK = (
    restrict("enterprises.Enterprise"),
    restrict("projects.Project"),
    restrict("investment.Lead"),
    restrict("workplan.Task"),
)
YEAR = 2025


def PUBLIC_DRAWS(_u: User, _action: str) -> QuerySet:  # noqa: N802 — a scope, named like the others
    """Every draw record is public (spec §6.4)."""
    return apps.get_model("credit.DrawRecord").objects.all()


PAGES: dict[str, Free | On | Skip] = {
    "home": Free(),
    "login": Free(anyone),
    "logout": Skip("ends the session (tests/core/test_passwords_and_security_log.py)"),
    "password_change": Free(anyone),
    "password_reset": Free(anyone, get=frozenset({200, 302, 404})),
    "password_reset_done": Free(anyone, get=frozenset({200, 302, 404})),
    "password_reset_confirm": Skip(
        "a one-time link from the reset mail (tests/core/test_passwords_and_security_log.py)"
    ),
    "password_reset_complete": Free(anyone, get=frozenset({200, 302, 404})),
    "security_log": Free(),
    "healthz": Free(get=frozenset({200, 503})),
    "language": Free(anyone),
    # the registry
    "enterprises:list": Free(),
    "enterprises:create": Free(acts("change")),
    "enterprises:economy": Free(query=f"?year={YEAR}"),
    "enterprises:detail": On(ENT, reads_only=True),
    "enterprises:edit": On(ENT),
    "enterprises:tab": On(ENT, lambda o: {"pk": o.pk, "key": "policies"}, reads_only=True),
    "enterprises:export": On(ENT, acts="export", reads_only=True),
    "enterprises:land_add": On(ENT),
    "enterprises:land_delete": On(
        restrict("enterprises.LandParcel"), lambda o: {"pk": o.enterprise_id, "parcel_id": o.pk}
    ),
    "enterprises:contact_add": On(ENT),
    "enterprises:contact_delete": On(
        restrict("enterprises.Contact"), lambda o: {"pk": o.enterprise_id, "contact_id": o.pk}
    ),
    # 亩均
    "efficiency:index": Free(holds("efficiency.office")),
    "efficiency:run": On(
        zone_knowledge("efficiency.EvaluationRun", holds("efficiency.office")), reads_only=True
    ),
    "efficiency:scheme": Free(holds("efficiency.office"), {"year": YEAR}),
    "efficiency:policies": Free(holds("efficiency.office"), {"year": YEAR}),
    "efficiency:lowland": Free(holds("efficiency.office"), {"year": YEAR}),
    "efficiency:results": On(
        zone_knowledge("efficiency.EvaluationRun", holds("efficiency.office")), reads_only=True
    ),
    "efficiency:report": On(
        restrict("efficiency.EvaluationResult"), lambda o: {"pk": o.run_id, "enterprise_id": o.enterprise_id}
    ),
    # key projects and approvals
    "projects:list": Free(),
    "projects:create": Free(acts("change")),
    "projects:queue": Free(),
    "projects:rates": Free(),
    "projects:reports_due": Free(),
    "projects:dept_report": Free(),
    "projects:flows": Free(holds("projects.reform_office")),
    "projects:flow_edit": On(zone_knowledge("projects.FlowTemplate", holds("projects.reform_office"))),
    "projects:item_edit": On(zone_knowledge("projects.ApprovalItem", holds("projects.reform_office"))),
    "projects:detail": On(PROJECT, reads_only=True),
    "projects:edit": On(PROJECT),
    "projects:transition": On(PROJECT),
    "projects:milestones": On(PROJECT),
    "projects:report_save": On(PROJECT),
    "projects:year_plan": On(PROJECT),
    "projects:problem_add": On(PROJECT),
    "projects:problem_answer": On(
        restrict("projects.Problem"), lambda o: {"pk": o.project_id, "problem_id": o.pk}
    ),
    "projects:handover_add": On(PROJECT),
    "projects:authorization_add": On(PROJECT),
    "projects:board": On(PROJECT, reads_only=True),
    "projects:approvals_start": On(PROJECT),
    "projects:item_action": On(
        restrict("projects.ItemInstance"),
        lambda o: {"pk": o.project_id, "item_id": o.pk},
        data={"action": "accept"},
        query="?action=accept",
    ),
    # work-plan supervision
    "workplan:index": Free(),
    "workplan:upload": Free(holds("workplan.supervision")),
    "workplan:mine": Free(),
    "workplan:rules": Free(holds("workplan.supervision")),
    "workplan:board": On(zone_knowledge("workplan.Plan", holds("workplan.supervision")), reads_only=True),
    "workplan:assign": On(zone_knowledge("workplan.Plan", holds("workplan.supervision"))),
    "workplan:bulletin": On(zone_knowledge("workplan.Plan", holds("workplan.supervision")), reads_only=True),
    "workplan:task": On(TASK, reads_only=True),
    "workplan:task_assign": On(TASK),
    "workplan:task_report": On(TASK),
    "workplan:task_instruct": On(TASK),
    "workplan:task_milestone": On(TASK),
    "workplan:instruction_answer": On(via("workplan.Instruction", "task", "workplan.Task")),
    # investment promotion
    "investment:board": Free(),
    "investment:leads": Free(),
    "investment:create": Free(acts("change")),
    "investment:from_targets": Free(acts("change")),
    "investment:lead": On(LEAD, reads_only=True),
    "investment:edit": On(LEAD),
    "investment:move": On(LEAD),
    "investment:sign": On(LEAD),
    "investment:lose": On(LEAD),
    "investment:activity": On(LEAD),
    "investment:funds": On(LEAD),
    "investment:conflicts": Free(),
    "investment:decide": On(restrict("investment.LeadConflict")),
    "investment:meetings": Free(holds("investment.joint_meeting")),
    "investment:meeting": On(zone_knowledge("investment.JointMeeting", holds("investment.joint_meeting"))),
    "investment:events": Free(acts("change")),
    "investment:rankings": Free(),
    "investment:figures": Free(),
    "investment:settings": Free(holds("investment.joint_meeting")),
    # industry chains
    "chains:list": Free(),
    "chains:create": Free(holds("chains.office")),
    "chains:settings": Free(holds("chains.office")),
    "chains:detail": On(zone_knowledge("chains.Chain", holds("chains.office")), reads_only=True),
    "chains:edit": On(zone_knowledge("chains.Chain", holds("chains.office"))),
    "chains:node_create": On(zone_knowledge("chains.Chain", holds("chains.office"))),
    "chains:node": On(zone_knowledge("chains.Node", holds("chains.office")), reads_only=True),
    "chains:node_edit": On(zone_knowledge("chains.Node", holds("chains.office"))),
    "chains:placement": On(zone_knowledge("chains.Node", holds("chains.office"))),
    "chains:target_add": On(zone_knowledge("chains.Node", holds("chains.office"))),
    # the service desk and 好差评
    "servicedesk:requests": Free(),
    "servicedesk:create": Free(anyone),
    "servicedesk:request": On(restrict("servicedesk.Request"), reads_only=True),
    "servicedesk:act": On(restrict("servicedesk.Request"), data={"action": "accept"}),
    "servicedesk:visits": Free(acts("change")),
    "servicedesk:cards": Free(holds("servicedesk.centre")),
    "servicedesk:colleagues": Free(enterprise_user),
    "servicedesk:settings": Free(holds("servicedesk.centre")),
    # the national evaluation self-assessment (the office holding cockpit.evaluation enters the zone's values)
    "cockpit:index": Free(),
    "cockpit:targets": Free(holds("cockpit.targets"), query=f"?year={YEAR}"),
    "cockpit:report": Free(query=f"?year={YEAR}&month=2"),
    "cockpit:screen": Free(query=f"?year={YEAR}"),
    "cockpit:map": Free(system_admin, query=f"?year={YEAR}&layer=efficiency"),
    "cockpit:evaluation": Free(query=f"?year={YEAR}"),
    "cockpit:evaluation_values": Free(holds("cockpit.evaluation"), query=f"?year={YEAR}"),
    "cockpit:evaluation_peers": Free(),
    "cockpit:evaluation_indicators": Free(),
    "ratings:ratings": Free(),
    "ratings:cases": Free(),
    "ratings:case": On(restrict("ratings.BadRatingCase"), data={"action": "contact"}),
    "ratings:public": Free(),
    "ratings:rate": On(
        restrict("servicedesk.Request"),
        lambda o: {"target": "servicedesk.request", "pk": o.pk},
        acts="view",
        data={"level": 5},
    ),
    # policies
    # credit supervision
    "credit:overview": Free(),
    "credit:records": Free(acts("change")),
    "credit:record": On(restrict("credit.CreditRecord"), data={"action": "publish"}),
    "credit:classes": Free(),
    "credit:repairs": Free(),
    "credit:items": Free(acts("change")),
    "credit:inspectors": Free(acts("change")),
    "credit:conflicts": Free(acts("change")),
    "credit:tasks": Free(acts("change")),
    "credit:task": On(restrict("credit.InspectionTask"), data={"action": "close"}),
    "credit:results": Free(),
    "credit:mine": Free(enterprise_user),
    "credit:settings": Free(holds("credit.office", "configure")),
    "credit:public_results": Free(),
    "credit:public_draws": Free(),
    "credit:draw_record": On(PUBLIC_DRAWS, lambda o: {"pk": o.task_id}, reads_only=True),
    "policies:list": Free(),
    "policies:mine": Free(),
    "policies:create": Free(acts("change")),
    "policies:match": Free(acts("change")),
    "policies:match_run": On(zone_knowledge("policies.MatchRun", acts("change")), reads_only=True),
    "policies:matches_seen": Free(enterprise_user),
    "policies:applications": Free(),
    "policies:application_withdraw": On(restrict("policies.Application"), acts="view"),
    "policies:grants": Free(),
    "policies:detail": On(restrict("policies.Policy"), reads_only=True),
    "policies:edit": On(restrict("policies.Policy")),
    "policies:clause_create": On(restrict("policies.Policy")),
    "policies:clause": On(via("policies.Clause", "policy", "policies.Policy"), reads_only=True),
    "policies:clause_edit": On(via("policies.Clause", "policy", "policies.Policy")),
    "policies:explain": On(ENT, lambda o: {"pk": _first_clause(), "enterprise": o.pk}, acts="view"),
    "policies:apply": On(via("policies.Clause", "policy", "policies.Policy"), acts="view"),
    "policies:grant_list": On(via("policies.Clause", "policy", "policies.Policy")),
    # the kernel
    "imports": Free(acts("import")),
    "import_template": Free(kwargs={"kind": "enterprises"}),
    "import_run": On(restrict("core.ImportRun"), acts="view", reads_only=True),
    "import_report": On(restrict("core.ImportRun"), acts="view", reads_only=True),
    "attachment": On(visible_files, acts="view", reads_only=True),
    "attachment_delete": On(visible_files, acts="view"),
    "attachments_add": Free(anyone),
    "calendar": Free(acts("manage_calendar")),
    "profile": Free(anyone, data={"name": "矩阵", "scope": "read", "days": 30}),
    "tokens": Free(get=frozenset({302})),  # the old address of the profile's tokens section
    "token_revoke": On(own_tokens, acts="view"),
    "users": Free(acts("manage_users")),
    "user_create": Free(acts("manage_users")),
    "user_edit": On(managed_users),
    "capabilities": Free(system_admin),
    "inbox": Free(anyone),
    "inbox_latest": Free(),
    "inbox_open": On(lambda u, action: NoticeRecipient.objects.filter(user=u), acts="view"),
    "search": Free(query="?q=%E4%B8%89%E4%B8%80"),  # 三一
    "digest": Free(),
    # the API's own pages (its operations are in API below)
    "api:openapi-json": Free(),
    "api:openapi-view": Free(),
    "api:api-root": Free(),
}

PROJECT_REPORT = {"month": "2025-06-01", "investment": "100", "funds": "100", "progress": "进展顺利"}
API: dict[str, Free | On | Skip] = {
    "get_enterprise_credit": On(ENT, acts="view"),
    "list_draws": Free(),
    "get_draw": On(PUBLIC_DRAWS, lambda o: {"task": o.task_id}, acts="view"),
    "list_results": Free(),
    "list_enterprises": Free(),
    "create_enterprise": Free(
        acts("change"), data={"uscc": "91430100MA4L16JQ2X", "name": "矩阵测试有限公司"}
    ),
    "get_enterprise": On(ENT),
    "update_enterprise": On(ENT, data={"version": 1, "address": "星沙大道1号"}),
    "list_land": On(ENT),
    "create_land": On(ENT, data={"certificate_no": "湘(2025)长沙县不动产权第0000001号", "area_mu": "10"}),
    "update_land": On(
        restrict("enterprises.LandParcel"),
        lambda o: {"parcel_id": o.pk},
        data={"version": 1, "area_mu": "11"},
    ),
    "delete_land": On(restrict("enterprises.LandParcel"), lambda o: {"parcel_id": o.pk}),
    "list_annual": On(ENT),
    "put_annual": On(ENT, lambda o: {"pk": o.pk, "year": YEAR}, data={"revenue": "100"}),
    "list_monthly": On(ENT),
    "put_monthly": On(ENT, lambda o: {"pk": o.pk, "month": "2025-06"}, data={"output_value": "100"}),
    "list_contacts": On(ENT),
    "create_contact": On(ENT, data={"name": "张三", "phone": "13800000000"}),
    "delete_contact": On(restrict("enterprises.Contact"), lambda o: {"contact_id": o.pk}),
    "list_projects": Free(),
    "project_rates": Free(query=f"?year={YEAR}"),
    "get_project": On(PROJECT),
    "get_board": On(PROJECT),
    "act_on_item": On(
        restrict("projects.ItemInstance"),
        lambda o: {"pk": o.project_id, "item_id": o.pk},
        data={"action": "accept"},
    ),
    "put_report": On(PROJECT, data=PROJECT_REPORT),
    "list_leads": Free(),
    "create_lead": Free(
        acts("change"),
        data=lambda: {
            "investor_name": "矩阵投资有限公司",
            "title": "矩阵项目",
            "team": apps.get_model("investment.Team")
            .objects.order_by("pk")
            .values_list("pk", flat=True)
            .first(),
        },
    ),
    "get_lead": On(LEAD),
    "move_lead": On(LEAD, data={"stage": "visited", "version": 1}),
    "sign_lead": On(
        LEAD, data={"signed_on": "2026-11-02", "amount": "1000", "uscc": "91430100MA4L16JQ2X", "version": 1}
    ),
    "check_names": Free(official, data={"names": ["矩阵投资有限公司"]}),
    "list_conflicts": Free(),
    "get_scores": Free(query=f"?year={YEAR}"),
    "get_figures": Free(query=f"?year={YEAR}"),
    "get_evaluation": Free(query=f"?year={YEAR}"),
    "list_chains": Free(),
    "chain_figures": On(zone_knowledge("chains.Chain")),
    "list_requests": Free(),
    "submit_request": Free(anyone, data={"title": "矩阵诉求", "description": "测试"}),
    "get_request": On(restrict("servicedesk.Request")),
    "act": On(restrict("servicedesk.Request"), data={"action": "accept"}),
    "rate": On(restrict("servicedesk.Request"), acts="view", data={"level": 5}),
    "metrics": Free(query=f"?year={YEAR}"),
    "list_policies": Free(),
    "matches": On(ENT, lambda o: {"enterprise": o.pk}),
}


def _first_clause() -> int:
    return apps.get_model("policies.Clause").objects.order_by("pk").values_list("pk", flat=True).first() or 0


# ---- enumerating what exists ---------------------------------------------------------------------------------------


def _page_names() -> set[str]:
    def walk(resolver: URLResolver, ns: str | None) -> set[str]:
        out = set()
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue  # Django's admin: system administrators only, its own permission checks
                out |= walk(p, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                out.add(f"{ns}:{p.name}" if ns else p.name)
        return out

    names = walk(get_resolver(), None)
    api_ops = {f"api:{name}" for name in _operations()}
    return names - api_ops


def _operations() -> dict[str, tuple[str, str]]:
    """operationId → (method, path) from the OpenAPI schema."""
    from parkos.api import api

    out = {}
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            out[op["operationId"].split("_api_")[-1]] = (method.upper(), path)  # the handler's name
    return out


def test_every_route_and_operation_is_in_the_matrix(db):
    missing_pages = sorted(_page_names() - set(PAGES))
    missing_api = sorted(set(_operations()) - set(API))
    stale = sorted((set(PAGES) - _page_names()) | (set(API) - set(_operations())))
    assert not missing_pages, f"routes missing from PAGES: {missing_pages}"
    assert not missing_api, f"API operations missing from API: {missing_api}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


# ---- the world and the calls ---------------------------------------------------------------------------------------


WORLD_MEDIA: dict[str, Any] = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo zone, built once per test process and rolled back after the module: every test of the matrix
    runs in its own savepoint inside it (and every call in one more, rolled back too)."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            WORLD_MEDIA["root"] = media
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(_media_in_tmp, settings):
    """The world's files stay where it stored them (conftest gives every test a media directory of its own)."""
    if "root" in WORLD_MEDIA:
        settings.MEDIA_ROOT = WORLD_MEDIA["root"]


def _build_world() -> dict[str, User]:
    demo_build(
        enterprises=40,
        seed=7,
        months=2,
        evaluate=True,
        projects=10,
        workplan=True,
        investment=True,
        services=True,
    )
    ghj = Department.objects.get(code="GHJ")
    User.objects.create_user("ghj_admin", password="x", role=Role.DEPT_ADMIN, department=ghj)
    users = {u.username: u for u in User.objects.all()}
    for name in ROLES + ["jfj_admin"]:  # an import run each, so that each login has its own and another's
        ImportRun.objects.create(
            kind="enterprises", created_by=users[name], original_name="企业.xlsx", status="done"
        )
        api_token_create(user=users[name], name="矩阵", scope=ApiToken.Scope.WRITE, days=30)
    request_model = apps.get_model("servicedesk.Request")
    for req in request_model.objects.order_by("pk")[:40:8]:
        Attachment.objects.create(
            target="servicedesk.request",
            target_id=req.pk,
            file=ContentFile(b"%PDF-1.4 matrix", name="证明.pdf"),
            name="证明.pdf",
            size=15,
            sha256="0" * 64,
            uploaded_by=users["admin"],
        )
    return users


class Caller:
    """Calls a route as one user inside a savepoint rolled back afterwards, recording 5xx with their traceback
    and every row written."""

    def __init__(self, user: User, raw_token: str) -> None:
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.token = raw_token
        self.error = ""

    def _on_exception(self, sender, request=None, **kwargs) -> None:
        self.error = traceback.format_exc(limit=-3)

    def __call__(
        self, method: str, url: str, data: dict | None = None, api: bool = False
    ) -> tuple[int, set, str]:
        self.error = ""
        got_request_exception.connect(self._on_exception)
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
                if api:
                    r = self.client.generic(
                        method,
                        url,
                        json.dumps(data or {}) if method != "GET" else "",
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {self.token}",
                    )
                elif method == "GET":
                    r = self.client.get(url)
                else:
                    r = self.client.post(url, data or {})
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(self._on_exception)
        written = set()
        for q in ctx.captured_queries:
            m = WRITE.match(q["sql"])
            if m and not m.group(2).lower().startswith(FREE_TABLES):
                written.add(m.group(2))
        return r.status_code, written, self.error


def _pick(
    scope: Callable[[User, str], QuerySet], user: User, action: str
) -> tuple[Model | None, Model | None]:
    """An object inside the user's scope for `action`, and one outside it."""
    inside = scope(user, action).order_by("pk")
    outside = inside.model.objects.all().exclude(pk__in=inside.values("pk")).order_by("pk").first()
    return inside.first(), outside


def _matrix(role: str, world: dict[str, User]) -> list[str]:
    user = world[role]
    token = ApiToken.objects.filter(user=user).first()
    assert token is not None
    _t, raw = api_token_create(user=user, name="矩阵调用", scope=ApiToken.Scope.WRITE, days=30)
    call = Caller(user, raw)
    problems: list[str] = []
    ops = _operations()
    cases: list[tuple[str, Free | On | Skip, bool]] = [(n, c, False) for n, c in PAGES.items()]
    cases += [(n, c, True) for n, c in API.items()]
    for name, case, is_api in cases:
        if isinstance(case, Skip):
            continue
        if is_api:
            method, path = ops[name]

            def url(kw: dict[str, Any], path: str = path, case: Any = case) -> str:
                return re.sub(r"{(\w+)}", lambda m: str(kw[m.group(1)]), path) + case.query

            reads, writes = ([method], []) if method == "GET" else ([], [method])
        else:

            def url(kw: dict[str, Any], name: str = name, case: Any = case) -> str:
                return reverse(name, kwargs=kw) + case.query

            reads, writes = ["GET"], ["POST"]

        def check(
            method: str,
            link: str,
            allowed: set[int],
            may_write: bool,
            what: str,
            case: Any = case,
            is_api: bool = is_api,
        ) -> None:
            data = case.data() if callable(case.data) else case.data
            status, written, error = call(method, link, data if method != "GET" else None, api=is_api)
            if status >= 500:
                problems.append(f"{status} {method} {link} ({what}): {error.strip().splitlines()[-1:]}")
            elif status not in allowed:
                problems.append(f"{status} {method} {link} ({what}; expected {sorted(allowed)})")
            if written and not may_write:
                problems.append(f"wrote {sorted(written)}: {method} {link} ({what})")

        if isinstance(case, Free):
            link = url(case.kwargs)
            for method in reads:
                check(method, link, set(case.get) | {404} if not is_api else {200, 403}, False, "read")
            for method in writes:
                if case.writers(user):
                    check(method, link, set(range(200, 500)), True, "writer")
                elif case.writers is nobody:  # a page that only reads: a post changes nothing
                    check(method, link, set(range(200, 500)), False, "reads only")
                else:
                    # refused: 403/404/405, or the form back with the reason (200, 302) — nothing written
                    check(method, link, {200, 302, 403, 404, 405}, False, "not a writer")
            continue
        seen_in, seen_out = _pick(case.scope, user, "view")
        actable = set(case.scope(user, case.acts).values_list("pk", flat=True))
        for method in reads:
            if seen_in is not None:  # a form the user may not use may be hidden (404)
                ok = (
                    {200, 302, 403, 405}
                    if seen_in.pk in actable and not case.reads_only
                    else {200, 302, 403, 404, 405}
                )
                check(method, url(case.kwargs(seen_in)), ok, False, "in scope")
            if seen_out is not None:
                check(method, url(case.kwargs(seen_out)), {404, 405}, False, "out of scope")
        if not writes:
            continue
        act_in, act_out = _pick(case.scope, user, case.acts)
        visible = set(case.scope(user, "view").values_list("pk", flat=True))
        for method in writes:
            if case.reads_only:  # a page that only reads: a post on it changes nothing, inside scope or out
                if seen_in is not None:
                    check(method, url(case.kwargs(seen_in)), set(range(200, 500)), False, "reads only")
                if seen_out is not None:
                    check(method, url(case.kwargs(seen_out)), {404, 405}, False, "out of scope")
                continue
            if act_in is not None:
                check(method, url(case.kwargs(act_in)), set(range(200, 500)), True, "may act")
            if act_out is not None:
                # seen but not theirs to change: refused (a 302 back with the reason is a refusal too)
                # a role that may never do this is refused whatever the object (403 says nothing about it)
                refused = {200, 302, 403, 404, 405} if act_out.pk in visible else {404, 405}
                refused |= set() if user.may(case.acts) else {403}
                check(method, url(case.kwargs(act_out)), refused, False, "may not act")
            if seen_out is not None and (act_out is None or seen_out.pk != act_out.pk):
                refused = {404, 405} if user.may(case.acts) else {403, 404, 405}
                check(method, url(case.kwargs(seen_out)), refused, False, "out of scope")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_inside_its_scope_and_nothing_outside(db, world, role):
    problems = _matrix(role, world)
    assert not problems, f"{len(problems)} problems for {role}:\n" + "\n".join(problems)


def test_the_matrix_catches_a_route_that_forgets_scope(db, world, monkeypatch):
    """The oracle bites: a view that fetched its enterprise without the user's scope would be reported."""
    from parkos.enterprises import selectors

    monkeypatch.setattr(selectors, "enterprise_get", lambda *, user, pk, **kw: _unscoped_enterprise(pk))
    problems = _matrix("qiye", world)
    assert any("/enterprises/" in p and "out of scope" in p for p in problems)


def _unscoped_enterprise(pk: int):
    return apps.get_model("enterprises.Enterprise").objects.get(pk=pk)
