from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "cadence.certifications"
    label = "certifications"
    verbose_name = "Certifications"
