from django.urls import path

from cadence.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("give/", views.give, name="give"),
    path("give/goal/", views.give_goal, name="give_goal"),
    path("praise/", views.wall, name="wall"),
    path("recognition/<int:person_id>/", views.recognition, name="recognition"),
    path("<int:feedback_id>/", views.detail, name="detail"),
    path("<int:feedback_id>/report/", views.report, name="report"),
    path("<int:feedback_id>/react/", views.react, name="react"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("asks/<int:ask_id>/", views.ask, name="ask"),
    path("asks/<int:ask_id>/answer/", views.ask_answer, name="ask_answer"),
    path("asks/<int:ask_id>/decline/", views.ask_decline, name="ask_decline"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:feedback_id>/", views.moderate, name="moderate"),
    path("values/", views.values, name="values"),
    path("values/<int:value_id>/", views.value_edit, name="value_edit"),
]
