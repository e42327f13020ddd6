from django.urls import URLPattern, path

from cadence.reviews import views_cycles as views
from cadence.reviews import views_dashboard, views_nudges

urlpatterns: list[URLPattern] = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/edit/", views.cycle_edit, name="cycle_edit"),
    path(
        "cycles/<int:cycle_id>/participants/", views.cycle_participants, name="cycle_participants"
    ),
    path("cycles/<int:cycle_id>/launch/", views.cycle_launch, name="cycle_launch"),
    path(
        "cycles/<int:cycle_id>/late-joiners/", views.cycle_late_joiners, name="cycle_late_joiners"
    ),
    path("cycles/<int:cycle_id>/sync/", views.cycle_sync, name="cycle_sync"),
    path("cycles/<int:cycle_id>/advance/", views.cycle_advance, name="cycle_advance"),
    path(
        "cycles/<int:cycle_id>/dashboard/", views_dashboard.cycle_dashboard, name="cycle_dashboard"
    ),
    path("cycles/<int:cycle_id>/nudge/", views_nudges.cycle_nudge, name="cycle_nudge"),
]
