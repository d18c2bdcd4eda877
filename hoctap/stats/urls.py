from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("stats/", views.home, name="home"),
    path("stats/units/<int:unit_id>/", views.dashboard, name="dashboard"),
    path("stats/units/<int:unit_id>/export/<str:table>.xlsx", views.export, name="export"),
    path("stats/units/<int:unit_id>/years/", views.year_comparison, name="year_comparison"),
    path("stats/units/<int:unit_id>/ethnicity/", views.ethnicity, name="ethnicity"),
    path("stats/units/<int:unit_id>/ethnicity.xlsx", views.ethnicity_export, name="ethnicity_export"),
    path("stats/units/<int:unit_id>/capacity/<int:year>/", views.capacity_edit, name="capacity_edit"),
    path("stats/targets/", views.target_list, name="target_list"),
    path("stats/targets/new/", views.target_edit, name="target_create"),
    path("stats/targets/import/", views.target_import, name="target_import"),
    path("stats/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    # Public, read-only, no login, no personal data: one summary page per province.
    path("public/province/<str:code>/", views.public_province, name="public_province"),
]
