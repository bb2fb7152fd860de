from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.board_view, name="board"),
    path("leads/", views.lead_list_view, name="leads"),
    path("leads/new/", views.lead_create_view, name="create"),
    path("leads/from-targets/", views.from_targets_view, name="from_targets"),
    path("leads/<int:pk>/", views.lead_view, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit_view, name="edit"),
    path("leads/<int:pk>/move/", views.lead_move_view, name="move"),
    path("leads/<int:pk>/sign/", views.sign_view, name="sign"),
    path("leads/<int:pk>/lose/", views.lose_view, name="lose"),
    path("leads/<int:pk>/activities/", views.activity_add_view, name="activity"),
    path("leads/<int:pk>/funds/", views.funds_add_view, name="funds"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("conflicts/<int:pk>/decide/", views.conflict_decide_view, name="decide"),
    path("meetings/", views.meetings_view, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_view, name="meeting"),
    path("events/", views.events_view, name="events"),
    path("rankings/", views.rankings_view, name="rankings"),
    path("figures/", views.figures_view, name="figures"),
    path("settings/", views.settings_view, name="settings"),
]
