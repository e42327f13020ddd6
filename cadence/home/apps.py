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
        from cadence.home import queries
        from cadence.notifications import home as notifications_home
        from cadence.notifications import schedule

        notifications_home.register()
        # HR admins share one count of the organisation's health: counted ahead of
        # them, their panel opens from the cache. Executives' counts (their own access)
        # stay on demand: few of them, each a different count.
        schedule.register_sweep(
            schedule.Sweep(
                name="org-health",
                run=queries.org_health_sweep,
                cron="*/10 * * * *",
                description="Count the organisation's health for HR admins before they ask.",
                unit="count",
            )
        )
