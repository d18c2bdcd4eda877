from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/villages/new/", views.village_create, name="village_create"),
    path("units/<int:unit_id>/villages/changes/", views.village_change_list, name="village_changes"),
    path("units/<int:unit_id>/areas/", views.unit_areas, name="unit_areas"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/import/", views.area_import, name="area_import"),
    path("areas/<int:designation_id>/delete/", views.area_delete, name="area_delete"),
]
