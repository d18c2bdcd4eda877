from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("funds/", views.index, name="index"),
    path("funds/new/", views.fund_create, name="create"),
    path("funds/<int:fund_id>/", views.detail, name="detail"),
    path("funds/<int:fund_id>/receipt/", views.entry_create, {"kind": "receipt"}, name="receipt"),
    path("funds/<int:fund_id>/payment/", views.entry_create, {"kind": "payment"}, name="payment"),
    path("funds/entries/<int:entry_id>/reverse/", views.reverse, name="reverse"),
    path("funds/units/<int:unit_id>/", views.summary, name="summary"),
]
