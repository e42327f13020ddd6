from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cadence.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from cadence.notifications import delivery, digest
        from cadence.notifications.schedule import Sweep, register_sweep

        register_sweep(
            Sweep(
                name="deliver-mail",
                run=delivery.send_due,
                cron="* * * * *",
                description="Send the queued mails that are due (retries included).",
                unit="mail",
            )
        )
        register_sweep(
            Sweep(
                name="digests",
                run=digest.make_digests,
                cron="0 * * * *",
                description=(
                    "Make the daily digest mails of the people whose local digest hour has come."
                ),
                unit="mail",
            )
        )
