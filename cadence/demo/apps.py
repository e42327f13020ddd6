from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and ``cadence seed``: generated data loaded through the
    areas' own import and services. It sits above every area and none imports it, so
    an installation could leave it out and lose only the ``demo`` and ``seed`` commands."""

    name = "cadence.demo"
    label = "demo"
