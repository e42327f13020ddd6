from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "cadence.development"
    label = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        from cadence.development import home, notifications, reminders, services
        from cadence.planning.services import on_plan_agreed

        notifications.register()
        home.register()
        reminders.register()
        on_plan_agreed(services.on_plan_agreed)
