from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "cadence.kpis"
    label = "kpis"

    def ready(self) -> None:
        from cadence.kpis import notifications, reminders

        notifications.register()
        reminders.register()
