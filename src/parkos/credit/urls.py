from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("records/", views.records_view, name="records"),
    path("records/<int:pk>/", views.record_view, name="record"),
    path("classes/", views.classes_view, name="classes"),
    path("repairs/", views.repairs_view, name="repairs"),
    path("items/", views.items_view, name="items"),
    path("inspectors/", views.inspectors_view, name="inspectors"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("tasks/", views.tasks_view, name="tasks"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("results/", views.results_view, name="results"),
    path("mine/", views.mine_view, name="mine"),
    path("settings/", views.settings_view, name="settings"),
    # public: no login
    path("public/results/", views.public_result_list, name="public_results"),
    path("public/draws/", views.public_draw_list, name="public_draws"),
    path("public/draws/<int:pk>/", views.draw_record_view, name="draw_record"),
]
