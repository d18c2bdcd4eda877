from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:pk>/", views.open_notice, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
