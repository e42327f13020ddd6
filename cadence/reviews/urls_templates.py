from django.urls import URLPattern, path

from cadence.reviews import views_templates as views

urlpatterns: list[URLPattern] = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/details/", views.template_details, name="template_details"),
    path("templates/<int:template_id>/archive/", views.template_archive, name="template_archive"),
    path("templates/<int:template_id>/scale/", views.template_scale, name="template_scale"),
    path(
        "templates/<int:template_id>/sections/",
        views.template_section_add,
        name="template_section_add",
    ),
    path(
        "templates/sections/<int:section_id>/",
        views.template_section_edit,
        name="template_section_edit",
    ),
    path(
        "templates/sections/<int:section_id>/questions/",
        views.template_question_add,
        name="template_question_add",
    ),
    path(
        "templates/questions/<int:question_id>/",
        views.template_question_edit,
        name="template_question_edit",
    ),
    path(
        "templates/versions/<int:version_id>/preview/",
        views.template_preview,
        name="template_preview",
    ),
]
