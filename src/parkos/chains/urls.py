from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list_view, name="list"),
    path("new/", views.chain_edit_view, name="create"),
    path("settings/", views.settings_view, name="settings"),
    path("<int:pk>/", views.chain_view, name="detail"),
    path("<int:pk>/edit/", views.chain_edit_view, name="edit"),
    path("<int:pk>/nodes/new/", views.node_edit_view, name="node_create"),
    path("nodes/<int:pk>/", views.node_view, name="node"),
    path("nodes/<int:pk>/edit/", views.node_edit_view, name="node_edit"),
    path("nodes/<int:pk>/enterprises/", views.placement_view, name="placement"),
    path("nodes/<int:pk>/targets/", views.target_add_view, name="target_add"),
]
