from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("learning/", views.index, name="index"),
    path("learning/units/<int:unit_id>/", views.summary, name="summary"),
    path("learning/units/<int:unit_id>/export/", views.summary_xlsx, name="summary_xlsx"),
    path("learning/units/<int:unit_id>/classes/new/", views.class_form, name="class_create"),
    path("learning/classes/<int:class_id>/", views.class_form, name="class_edit"),
    path("learning/units/<int:unit_id>/week/new/", views.week_form, name="week_create"),
    path("learning/week/<int:activity_id>/", views.week_form, name="week_edit"),
    path("learning/units/<int:unit_id>/declaration/", views.declaration_form, name="declare"),
]
