from django.urls import path

from cadence.goals import views

app_name = "goals"

urlpatterns = [
    path("", views.my_goals, name="my_goals"),
    path("team/", views.team_goals, name="team_goals"),
    path("alignment/", views.alignment, name="alignment"),
    path("new/", views.goal_create, name="goal_create"),
    path("how-progress-works/", views.progress_rule, name="progress_rule"),
    path("<int:goal_id>/", views.goal_detail, name="goal"),
    path("<int:goal_id>/children/", views.goal_children, name="goal_children"),
    path("<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:goal_id>/align/", views.goal_align, name="goal_align"),
    path("<int:goal_id>/submit/", views.goal_submit, name="goal_submit"),
    path("<int:goal_id>/approve/", views.goal_approve, name="goal_approve"),
    path("<int:goal_id>/return/", views.goal_return, name="goal_return"),
    path("<int:goal_id>/state/", views.goal_state, name="goal_state"),
    path("<int:goal_id>/key-results/new/", views.key_result_add, name="key_result_add"),
    path("key-results/<int:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path("key-results/<int:key_result_id>/check-in/", views.check_in, name="check_in"),
    path(
        "key-results/<int:key_result_id>/delete/",
        views.key_result_delete,
        name="key_result_delete",
    ),
]
