from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "cadence.kpis"
    label = "kpis"

    def ready(self) -> None:
        from cadence.kpis import home, notifications, reminders

        notifications.register()
        home.register()
        reminders.register()
