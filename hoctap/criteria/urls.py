from django.urls import path

from . import views

app_name = "criteria"
urlpatterns = [
    path("criteria/", views.set_list, name="set_list"),
    path("criteria/import/", views.import_set, name="import"),
    path("criteria/publish/", views.publish, name="publish"),
    path("criteria/<int:set_id>/", views.set_detail, name="set_detail"),
    path("criteria/<int:set_id>/sheet/", views.scoring_sheet, name="sheet"),
    path("criteria/<int:set_id>/export.yaml", views.export_yaml, name="export_yaml"),
    path("criteria/<int:set_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("criteria/<int:set_id>/diff/<int:other_id>/", views.diff, name="diff"),
]
