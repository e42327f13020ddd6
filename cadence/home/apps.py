from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page: "what needs me now?" drawn from the sections the areas register
    (``registry.py``), and the organisation's health for HR admins and executives. It
    sits above the areas (it reads them all) and below the demo."""

    name = "cadence.home"
    label = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        # The areas register their own sections (goals, planning, kpis: their apps.py).
        # The notification centre's section is registered from here while its app's
        # apps.py is being reworked by the mail work; it belongs there afterwards.
        from cadence.notifications import home as notifications_home

        notifications_home.register()
