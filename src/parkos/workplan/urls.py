from django.urls import path

from . import views

app_name = "workplan"
urlpatterns = [
    path("", views.plan_index, name="index"),
    path("upload/", views.plan_upload, name="upload"),
    path("mine/", views.my_tasks, name="mine"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.plan_board, name="board"),
    path("<int:pk>/assign/", views.plan_assign, name="assign"),
    path("<int:pk>/bulletin.docx", views.bulletin, name="bulletin"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/instruct/", views.task_instruct, name="task_instruct"),
    path("tasks/<int:pk>/milestones/", views.task_milestone, name="task_milestone"),
    path("instructions/<int:pk>/answer/", views.instruction_answer, name="instruction_answer"),
]
