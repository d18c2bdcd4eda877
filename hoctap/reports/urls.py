from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.board, name="board"),
    path("reports/start/", views.start, name="start"),
    path("reports/received/", views.received, name="received"),
    path("reports/<int:report_id>/", views.detail, name="detail"),
    path("reports/<int:report_id>/transition/", views.transition, name="transition"),
    path("reports/<int:report_id>/differences/", views.differences, name="differences"),
    path("reports/<int:report_id>/table.xlsx", views.table_xlsx, name="table_xlsx"),
    path("reports/<int:report_id>/report.pdf", views.pdf, name="pdf"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:job_id>/", views.export_detail, name="export_detail"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
]
