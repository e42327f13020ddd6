from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "cadence.development"
    label = "development"
    verbose_name = "Development"
