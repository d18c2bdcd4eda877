from django.urls import path

from . import account_views, reset_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/new/", views.user_create, name="user_create"),
    path("accounts/<int:user_id>/", views.user_detail, name="user_detail"),
    path("accounts/<int:user_id>/reset-code/", reset_views.reset_code_for, name="reset_code"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/tokens/", account_views.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
]
