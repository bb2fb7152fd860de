from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.library_view, name="list"),
    path("mine/", views.mine_view, name="mine"),
    path("new/", views.policy_edit_view, name="create"),
    path("match/", views.match_view, name="match"),
    path("match/<int:pk>/", views.match_run_view, name="match_run"),
    path("mine/seen/", views.matches_seen_view, name="matches_seen"),
    path("applications/", views.applications_view, name="applications"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw_view, name="application_withdraw"),
    path("grants/", views.grants_view, name="grants"),
    path("<int:pk>/", views.policy_view, name="detail"),
    path("<int:pk>/edit/", views.policy_edit_view, name="edit"),
    path("<int:pk>/clauses/new/", views.clause_edit_view, name="clause_create"),
    path("clauses/<int:pk>/", views.clause_view, name="clause"),
    path("clauses/<int:pk>/edit/", views.clause_edit_view, name="clause_edit"),
    path("clauses/<int:pk>/explain/<int:enterprise>/", views.explain_view, name="explain"),
    path("clauses/<int:pk>/apply/", views.apply_view, name="apply"),
    path("clauses/<int:pk>/grant-list/", views.grant_list_view, name="grant_list"),
]
