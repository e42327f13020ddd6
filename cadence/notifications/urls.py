from django.urls import path

from cadence.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/<int:notification_id>/open", views.open_notification, name="open"),
]
