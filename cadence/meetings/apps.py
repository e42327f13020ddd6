from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cadence.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from cadence.meetings import home, notifications, reminders

        notifications.register()
        home.register()
        reminders.register()
