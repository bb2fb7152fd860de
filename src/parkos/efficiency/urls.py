from django.urls import path

from . import views

app_name = "efficiency"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("schemes/<int:year>/", views.scheme_edit, name="scheme"),
    path("policies/<int:year>/", views.policies_view, name="policies"),
    path("low-efficiency/<int:year>/", views.lowland_view, name="lowland"),
    path("runs/<int:pk>/results/", views.results, name="results"),
    path("runs/<int:pk>/enterprises/<int:enterprise_id>/", views.report, name="report"),
]
