from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "cadence.goals"
    label = "goals"

    def ready(self) -> None:
        from cadence.goals import home, notifications, reminders

        notifications.register()
        home.register()
        reminders.register()
