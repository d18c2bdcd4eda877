from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/mine/", views.mine, name="mine"),
    path("privacy/requests/", views.request_list, name="request_list"),
    path("privacy/requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("privacy/people/<int:person_id>/request/", views.office_request, name="office_request"),
    path("privacy/people/<int:person_id>/basis/", views.basis, name="basis"),
    path("privacy/basis/", views.basis_missing, name="basis_missing"),
    path("privacy/province/", views.province_settings, name="province_settings"),
]
