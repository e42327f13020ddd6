from django.urls import path

from cadence.meetings import views, views_notes

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.series_create, name="series_create"),
    path("series/<int:series_id>/", views.series_detail, name="series"),
    path("series/<int:series_id>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:series_id>/active/", views.series_active, name="series_active"),
    path("series/<int:series_id>/meetings/", views.meeting_add, name="meeting_add"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("<int:meeting_id>/points/", views.point_add, name="point_add"),
    path("<int:meeting_id>/notes/", views.notes_save, name="notes_save"),
    path("<int:meeting_id>/private-note/", views.private_note_save, name="private_note"),
    path("<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path("<int:meeting_id>/held/", views.meeting_finish, name="meeting_finish"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("points/<int:point_id>/resolve/", views.point_resolve, name="point_resolve"),
    path("points/<int:point_id>/remove/", views.point_remove, name="point_remove"),
    path("points/<int:point_id>/move/", views.point_move, name="point_move"),
    path("actions/<int:item_id>/done/", views.action_done, name="action_done"),
    path("coaching/", views_notes.coaching_index, name="coaching"),
    path("coaching/<int:person_id>/", views_notes.journal, name="journal"),
    path("coaching/<int:person_id>/add/", views_notes.coaching_add, name="coaching_add"),
    path("coaching/notes/<int:note_id>/", views_notes.coaching_edit, name="coaching_edit"),
    path("coaching/notes/<int:note_id>/share/", views_notes.coaching_share, name="coaching_share"),
    path(
        "coaching/notes/<int:note_id>/delete/", views_notes.coaching_delete, name="coaching_delete"
    ),
    path("calendar/", views_notes.calendar_settings, name="calendar"),
    path("calendar/new/", views_notes.calendar_create, name="calendar_create"),
    path("calendar/revoke/", views_notes.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views_notes.calendar_feed, name="calendar_feed"),
]
