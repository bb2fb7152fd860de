from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit_view, name="index"),
    path("targets/", views.targets_view, name="targets"),
    path("report/", views.report_view, name="report"),
    path("screen/", views.screen_view, name="screen"),
    path("map/", views.map_view, name="map"),
    path("evaluation/", views.evaluation_view, name="evaluation"),
    path("evaluation/values/", views.values_view, name="evaluation_values"),
    path("evaluation/peers/", views.peer_list, name="evaluation_peers"),
    path("evaluation/indicators/", views.indicators_view, name="evaluation_indicators"),
]
