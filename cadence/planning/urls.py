from django.urls import path

from cadence.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.my_plan, name="my_plan"),
    path("team/", views.team_plans, name="team"),
    path("open/", views.plan_open, name="plan_open"),
    path("<int:plan_id>/", views.plan_detail, name="plan"),
    path("<int:plan_id>/expectations/", views.plan_expectations, name="plan_expectations"),
    path("<int:plan_id>/development/", views.development_item_add, name="development_add"),
    path("<int:plan_id>/propose/", views.plan_propose, name="plan_propose"),
    path("<int:plan_id>/sign/", views.plan_sign, name="plan_sign"),
    path("development/<int:item_id>/", views.development_item_update, name="development_update"),
    path(
        "development/<int:item_id>/remove/",
        views.development_item_remove,
        name="development_remove",
    ),
    path("periods/", views.periods, name="periods"),
    path("periods/<int:period_id>/activate/", views.period_activate, name="period_activate"),
    path("periods/<int:period_id>/close/", views.period_close, name="period_close"),
    path("competencies/", views.competencies, name="competencies"),
    path("competencies/new/", views.framework_create, name="framework_create"),
    path("competencies/<int:framework_id>/copy/", views.framework_copy, name="framework_copy"),
    path("competencies/<int:framework_id>/groups/", views.group_add, name="group_add"),
    path(
        "competencies/<int:framework_id>/upload/",
        views.competencies_upload,
        name="competencies_upload",
    ),
    path(
        "competencies/<int:framework_id>/upload/confirm/",
        views.competencies_confirm,
        name="competencies_confirm",
    ),
    path("competencies/groups/<int:group_id>/", views.group_edit, name="group_edit"),
    path(
        "competencies/groups/<int:group_id>/competencies/",
        views.competency_add,
        name="competency_add",
    ),
    path(
        "competencies/competency/<int:competency_id>/",
        views.competency_edit,
        name="competency_edit",
    ),
    path(
        "competencies/competency/<int:competency_id>/expectations/",
        views.expectation_set,
        name="expectation_set",
    ),
]
