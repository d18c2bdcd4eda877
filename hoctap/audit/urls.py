from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("history/<str:model_label>/<int:object_id>/", views.history, name="history"),
]
