from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import include, path

from parkos.api import api
from parkos.cockpit.views import search_view
from parkos.core import views as core
from parkos.core.models import Role
from parkos.enterprises.views import home_view


def home(request):
    """The home page: the cockpit for leaders (issue 16), the registry's overview for the other officials and an
    enterprise's own page for its users."""
    if request.user.is_authenticated and request.user.role == Role.LEADER:
        return redirect("cockpit:index")
    return home_view(request)


urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        core.LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", core.password_change_view, name="password_change"),
    path("password/reset/", core.password_reset_view, name="password_reset"),
    path("password/reset/sent/", core.password_reset_done_view, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", core.password_reset_confirm_view, name="password_reset_confirm"),
    path("password/reset/done/", core.password_reset_complete_view, name="password_reset_complete"),
    path("security/", core.security_log_view, name="security_log"),
    path("healthz", core.healthz, name="healthz"),
    path("language/", core.language_view, name="language"),
    path("enterprises/", include("parkos.enterprises.urls")),
    path("efficiency/", include("parkos.efficiency.urls")),
    path("projects/", include("parkos.projects.urls")),
    path("workplan/", include("parkos.workplan.urls")),
    path("investment/", include("parkos.investment.urls")),
    path("chains/", include("parkos.chains.urls")),
    path("services/", include("parkos.servicedesk.urls")),
    path("services/", include("parkos.ratings.urls")),
    path("policies/", include("parkos.policies.urls")),
    path("credit/", include("parkos.credit.urls")),
    path("cockpit/", include("parkos.cockpit.urls")),
    path("search/", search_view, name="search"),
    path("imports/", core.import_index, name="imports"),
    path("imports/template/<slug:kind>.xlsx", core.import_template, name="import_template"),
    path("imports/<int:pk>/", core.import_run_detail, name="import_run"),
    path("imports/<int:pk>/errors.xlsx", core.import_run_report, name="import_report"),
    path("files/<int:pk>/", core.attachment_view, name="attachment"),
    path("files/<int:pk>/delete/", core.attachment_delete_view, name="attachment_delete"),
    path("files/add/", core.attachments_add_view, name="attachments_add"),
    path("calendar/", core.calendar_view, name="calendar"),
    path("profile/", core.profile_view, name="profile"),
    path("tokens/", core.tokens_view, name="tokens"),
    path("users/", core.user_list_view, name="users"),
    path("users/new/", core.user_create_view, name="user_create"),
    path("capabilities/", core.capabilities_view, name="capabilities"),
    path("inbox/", core.inbox_view, name="inbox"),
    path("inbox/digest/", core.digest_view, name="digest"),
    path("inbox/latest/", core.inbox_latest_view, name="inbox_latest"),
    path("inbox/<int:pk>/open/", core.inbox_open_view, name="inbox_open"),
    path("users/<int:pk>/", core.user_edit_view, name="user_edit"),
    path("tokens/<int:pk>/revoke/", core.token_revoke, name="token_revoke"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "parkos.core.views.not_found"
handler500 = "parkos.core.views.server_error"
