from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("awards/", views.index, name="index"),
    path("awards/emulation/new/", views.self_report_create, name="self_report_create"),
    path("awards/emulation/<int:report_id>/", views.self_report, name="self_report"),
    path("awards/nominations/new/", views.nomination_create, name="nomination_create"),
    path("awards/nominations/<int:nomination_id>/", views.nomination, name="nomination"),
    path("awards/records/new/", views.award_create, name="award_create"),
    path("awards/honours/", views.honours, name="honours"),
]
