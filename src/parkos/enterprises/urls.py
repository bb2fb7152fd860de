from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("new/", views.enterprise_create_view, name="create"),
    path("economy/", views.economy_view, name="economy"),
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="edit"),
    path("<int:pk>/tabs/<slug:key>/", views.enterprise_tab_view, name="tab"),
    path("<int:pk>/export.xlsx", views.enterprise_export_view, name="export"),
    path("<int:pk>/land/", views.land_add_view, name="land_add"),
    path("<int:pk>/land/<int:parcel_id>/delete/", views.land_delete_view, name="land_delete"),
    path("<int:pk>/contacts/", views.contact_add_view, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_id>/delete/", views.contact_delete_view, name="contact_delete"),
]
