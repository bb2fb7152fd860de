from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [  # under /services/, beside the service desk whose menu they share
    path("ratings/", views.ratings_view, name="ratings"),
    path("cases/", views.cases_view, name="cases"),
    path("cases/<int:pk>/", views.case_view, name="case"),
    path("public/", views.public_view, name="public"),
    path("rate/<str:target>/<int:pk>/", views.rate_view, name="rate"),
]
