from django.urls import path

from cadence.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all", views.mark_all_read, name="read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/delivery/", views.delivery, name="delivery"),
    path("notifications/<int:notification_id>/open", views.open_notification, name="open"),
    path("notifications/<int:notification_id>/read", views.mark_read, name="read"),
]
