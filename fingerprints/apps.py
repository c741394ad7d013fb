from django.apps import AppConfig


class FingerprintsConfig(AppConfig):
    name = "fingerprints"
    verbose_name = "Fingerprints"
