from django.urls import path

from . import views

app_name = "servicedesk"
urlpatterns = [
    path("", views.request_list_view, name="requests"),
    path("new/", views.request_create_view, name="create"),
    path("<int:pk>/", views.request_view, name="request"),
    path("<int:pk>/act/", views.request_act_view, name="act"),
    path("visits/", views.visits_view, name="visits"),
    path("cards/", views.cards_view, name="cards"),
    path("colleagues/", views.colleagues_view, name="colleagues"),
    path("settings/", views.settings_view, name="settings"),
]
