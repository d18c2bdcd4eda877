from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("inspections/", views.inspection_list, name="list"),
    path("inspections/new/", views.inspection_create, name="create"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="detail"),
    path("inspections/<int:inspection_id>/report/", views.inspection_report, name="report"),
    path("inspections/findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("inspections/findings/<int:finding_id>/follow-up/", views.finding_follow_up, name="follow_up"),
]
