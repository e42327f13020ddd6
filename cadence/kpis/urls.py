from django.urls import path

from cadence.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.kpi_create, name="kpi_create"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:kpi_id>/", views.kpi_detail, name="kpi"),
    path("<int:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("<int:kpi_id>/active/", views.kpi_active, name="kpi_active"),
    path("<int:kpi_id>/record/", views.record, name="record"),
]
