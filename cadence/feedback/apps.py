from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cadence.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from cadence.feedback import home, notifications, reminders

        notifications.register()
        home.register()
        reminders.register()
