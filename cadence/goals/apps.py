from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "cadence.goals"
    label = "goals"
