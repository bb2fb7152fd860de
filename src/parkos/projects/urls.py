from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("new/", views.project_create_view, name="create"),
    path("queue/", views.queue_view, name="queue"),
    path("rates/", views.rates_view, name="rates"),
    path("reports-due/", views.reports_due_view, name="reports_due"),
    path("approvals/departments/", views.department_report_view, name="dept_report"),
    path("approvals/flows/", views.flows_view, name="flows"),
    path("approvals/flows/<int:pk>/", views.flow_edit_view, name="flow_edit"),
    path("approvals/items/<int:pk>/", views.approval_item_edit_view, name="item_edit"),
    path("<int:pk>/", views.project_detail_view, name="detail"),
    path("<int:pk>/edit/", views.project_edit_view, name="edit"),
    path("<int:pk>/transition/", views.project_transition_view, name="transition"),
    path("<int:pk>/milestones/", views.milestones_plan_view, name="milestones"),
    path("<int:pk>/reports/", views.report_save_view, name="report_save"),
    path("<int:pk>/plans/", views.year_plan_view, name="year_plan"),
    path("<int:pk>/problems/", views.problem_add_view, name="problem_add"),
    path("<int:pk>/problems/<int:problem_id>/answer/", views.problem_answer_view, name="problem_answer"),
    path("<int:pk>/handovers/", views.handover_add_view, name="handover_add"),
    path("<int:pk>/authorizations/", views.authorization_add_view, name="authorization_add"),
    path("<int:pk>/approvals/", views.board_view, name="board"),
    path("<int:pk>/approvals/start/", views.approvals_start_view, name="approvals_start"),
    path("<int:pk>/approvals/items/<int:item_id>/", views.item_action_view, name="item_action"),
]
