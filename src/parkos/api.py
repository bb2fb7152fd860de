"""The REST API: django-ninja at /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

import json

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from parkos.core.exceptions import ParkOSError
from parkos.core.services import api_token_for


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are created on the profile page and stored hashed."""

    def authenticate(self, request, token: str):
        from parkos.core import security
        from parkos.core.models import SecurityEvent

        live = api_token_for(token)
        if live is None:
            security.record_once(SecurityEvent.Kind.TOKEN_REFUSED, request=request, detail=token[:8] + "…")
            return None
        if live.first_use_today:  # the security log notes a token's use once a day
            security.record(SecurityEvent.Kind.TOKEN_USED, request=request, user=live.user, detail=live.name)
        if live.scope != live.Scope.WRITE and request.method not in ("GET", "HEAD", "OPTIONS"):
            from parkos.core.exceptions import Forbidden

            raise Forbidden(gettext("This token may only read."))
        request.user = live.user
        return live.user


class OfflineSwagger(Swagger):
    """Swagger UI from the vendored npm package (`swagger-ui-dist`, copied by `make install`), never a CDN: the
    docs work on a network without internet, and no page loads anything from another host."""

    def render_page(self, request, api: NinjaAPI, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api, "add_csrf": True}
        return render(request, "core/api_docs.html", context)


ERROR = {  # every error body the API answers: a service's (code, message, extra) or a validation's (detail)
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "not_found, forbidden, invalid, conflict, …"},
        "message": {"type": "string", "description": "说明（中文）"},
        "extra": {"type": "object", "description": "fields: 各字段的错误"},
        "detail": {"description": "请求格式或参数校验的错误（列表），或认证、频率限制的说明（文字）"},
    },
}
ERRORS = {
    "400": "请求体不是有效的 JSON",
    "401": "未登录，或令牌无效、过期、被吊销、账户被锁定",
    "403": "无权执行此操作（只读令牌写入、角色或职能不允许）",
    "404": "记录不存在或不在您的范围内",
    "409": "记录已被他人修改（version 不一致）或状态不允许",
    "422": "参数或字段不符合规则（逐字段说明）",
    "429": "请求过于频繁（见 Retry-After 响应头）",
}
WRITE_ONLY = {"409"}


def _without_nul(value):
    """JSON with every NUL character taken out of its strings (PostgreSQL's text cannot hold one)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


class BodyParser(Parser):
    """Every request body of the API is one JSON object: anything else (an array, a number) is a 400 — ninja's
    schemas would otherwise read a list as an object with every field missing — and NUL characters are dropped."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return _without_nul(data)


class ParkOSAPI(NinjaAPI):
    """The API with every answer it gives stated in its schema: beside each operation's success, the error codes
    (400/401/403/404/409/422/429) with one error body, so a client — and schemathesis in CI — knows them all."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
        ref = {"$ref": "#/components/schemas/Error"}
        for path in schema.get("paths", {}).values():
            for method, op in path.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status, words in ERRORS.items():
                    if status in WRITE_ONLY and method == "get":
                        continue
                    op["responses"].setdefault(
                        status,
                        {
                            "description": words,
                            "content": {"application/json": {"schema": ref}},
                            **(
                                {"headers": {"Retry-After": {"schema": {"type": "integer"}}}}
                                if status == "429"
                                else {}
                            ),
                        },
                    )
        return schema


api = ParkOSAPI(
    title="ParkOS API",
    version="1",
    description="ParkOS: the operating platform of a development zone administration.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
    parser=BodyParser(),
)


@api.exception_handler(ParkOSError)
def on_service_error(request, exc: ParkOSError):
    body = {"code": exc.code, "message": str(exc.message), "extra": exc.extra}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """ninja's own refusals in the API's error body, in Chinese where we know them (a body that is not JSON)."""
    if exc.status_code == 400:
        body = {
            "code": "bad_request",
            "message": gettext("The request body must be one JSON object."),
            "extra": {},
        }
    else:
        body = {"code": "error", "message": str(exc), "extra": {}}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": gettext("Not found."), "extra": {}}, status=404
    )


from parkos.enterprises.api import router as enterprises_router  # noqa: E402

api.add_router("/enterprises", enterprises_router)
from parkos.projects.api import router as projects_router  # noqa: E402

api.add_router("/projects", projects_router)
from parkos.investment.api import router as investment_router  # noqa: E402

api.add_router("/investment", investment_router)
from parkos.chains.api import router as chains_router  # noqa: E402

api.add_router("/chains", chains_router)
from parkos.servicedesk.api import router as services_router  # noqa: E402

api.add_router("/services", services_router)
from parkos.policies.api import router as policies_router  # noqa: E402

api.add_router("/policies", policies_router)
from parkos.credit.api import router as credit_router  # noqa: E402

api.add_router("/credit", credit_router)
from parkos.cockpit.api import router as cockpit_router  # noqa: E402

api.add_router("/cockpit", cockpit_router)
