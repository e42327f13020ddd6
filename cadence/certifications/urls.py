from django.urls import path

from cadence.certifications import views

app_name = "certifications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/record/", views.record, name="record"),
    path("certificates/<int:certificate_id>/document/", views.document, name="document"),
    path("certificates/<int:certificate_id>/delete/", views.delete, name="delete"),
    path(
        "certificates/<int:certificate_id>/document/replace/",
        views.replace_document,
        name="replace_document",
    ),
    path("types/", views.types, name="types"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/<int:type_id>/", views.type_edit, name="type_edit"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export.<str:fmt>", views.compliance_export, name="compliance_export"),
]
