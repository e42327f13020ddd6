from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "cadence.certifications"
    label = "certifications"
    verbose_name = "Certifications"

    def ready(self) -> None:
        from cadence.certifications import figures, home, notifications, reminders

        notifications.register()
        home.register()
        reminders.register()
        figures.register()
