from django.urls import path

from cadence.people import picker, views, views_import

app_name = "people"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/picker/", picker.suggest, name="picker"),
    path("people/<int:person_id>/team/", views.team, name="team"),
    path("people/<int:person_id>/roles/", views.person_roles, name="person_roles"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/leave/", views.person_leave, name="person_leave"),
    path("people/<int:person_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("team/", views.my_team, name="my_team"),
    path("org/", views.org_chart, name="org_chart"),
    path("org/top/", views.org_chart_top, name="org_chart_top"),
    path("org/<int:person_id>/", views.org_chart, name="org_chart_person"),
    path("org/<int:person_id>/reports/", views.org_chart_reports, name="org_chart_reports"),
    path("departments/", views.departments, name="departments"),
    path("people/attributes/", views.attributes, name="attributes"),
    path(
        "people/attributes/<int:attribute_id>/sensitivity/",
        views.attribute_sensitivity,
        name="attribute_sensitivity",
    ),
    path("people/import/", views_import.import_start, name="import_start"),
    path("people/import/<int:import_id>/", views_import.import_preview, name="import_preview"),
    path(
        "people/import/<int:import_id>/confirm/",
        views_import.import_confirm,
        name="import_confirm",
    ),
]
