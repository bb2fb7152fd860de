"""The REST API: django-ninja at /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

import json

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
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


api = NinjaAPI(
    title="ParkOS API",
    version="1",
    description="ParkOS: the operating platform of a development zone administration.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
)


@api.exception_handler(ParkOSError)
def on_service_error(request, exc: ParkOSError):
    body = {"code": exc.code, "message": str(exc.message), "extra": exc.extra}
    return api.create_response(request, body, status=exc.status)


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
