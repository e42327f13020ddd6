from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "cadence.kpis"
    label = "kpis"
