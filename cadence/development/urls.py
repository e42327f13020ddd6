from django.urls import path

from cadence.development import views

app_name = "development"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("team/export.csv", views.team_export, name="team_export"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.csv", views.coverage_export, name="coverage_export"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/aspiration/", views.aspiration, name="aspiration"),
    path("people/<int:person_id>/items/new/", views.item_add, name="item_add"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/status/", views.item_status, name="item_status"),
    path("items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:item_id>/actions/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("actions/<int:action_id>/remove/", views.action_remove, name="action_remove"),
]
