from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("my-exports/", views.job_list, name="job_list"),
    path("my-exports/<int:job_id>/", views.job_detail, name="job_detail"),
    path("my-exports/<int:job_id>/download/", views.job_download, name="job_download"),
]
