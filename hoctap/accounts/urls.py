from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/new/", views.user_create, name="user_create"),
    path("accounts/<int:user_id>/", views.user_detail, name="user_detail"),
]
