from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "cadence.planning"
    label = "planning"

    def ready(self) -> None:
        from cadence.planning import home, notifications

        notifications.register()
        home.register()
