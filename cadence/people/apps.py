from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_search_indexes(using: str, **kwargs: Any) -> None:
    from cadence.core.search import repair_indexes

    repair_indexes(using)


class PeopleConfig(AppConfig):
    name = "cadence.people"
    label = "people"

    def ready(self) -> None:
        # Once per migrate run (for this app), after every app's migrations.
        post_migrate.connect(_repair_search_indexes, sender=self)

        from cadence.people import notifications

        notifications.register()
