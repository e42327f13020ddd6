from django.urls import URLPattern, path

from cadence.reviews import views_writing as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("write/<int:assignment_id>/", views.write, name="write"),
    path("write/<int:assignment_id>/save/", views.save, name="write_save"),
    path("write/<int:assignment_id>/submit/", views.submit, name="write_submit"),
    path("write/<int:assignment_id>/reopen/", views.reopen, name="assignment_reopen"),
]
