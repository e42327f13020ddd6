from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cadence.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from cadence.reviews import (
            home,
            notifications,
            nudges,
            people_sync,
            queries_dashboard,
            reminders,
        )

        notifications.register()
        reminders.register()
        nudges.register()
        home.register()
        people_sync.register()
        queries_dashboard.register()
