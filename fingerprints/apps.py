from django.apps import AppConfig
from django.core import checks


class FingerprintsConfig(AppConfig):
    name = "fingerprints"
    verbose_name = "Fingerprints"

    def ready(self) -> None:
        from .checks import engine_config_check

        checks.register(engine_config_check)
