from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("members/", views.index, name="index"),
    path("members/branches/new/", views.branch_create, name="branch_create"),
    path("members/branches/<int:branch_id>/", views.branch_detail, name="branch"),
    path("members/branches/<int:branch_id>/join/", views.join, name="join"),
    path("members/<int:member_id>/", views.member_detail, name="member"),
    path("members/<int:member_id>/leave/", views.act, {"action": "leave"}, name="leave"),
    path("members/<int:member_id>/move/", views.act, {"action": "move"}, name="move"),
    path("members/<int:member_id>/dues/", views.act, {"action": "dues"}, name="dues"),
    path("members/<int:member_id>/office/", views.act, {"action": "office"}, name="office"),
    path("members/<int:member_id>/training/", views.act, {"action": "training"}, name="training"),
    path("members/offices/<int:office_id>/end/", views.office_end, name="office_end"),
    path("members/units/<int:unit_id>/", views.summary, name="summary"),
]
