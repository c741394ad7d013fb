from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class KazoomSiteConfig(AppConfig):
    name = "kazoom_site"
    verbose_name = "Kazoom site"

    def ready(self) -> None:
        """Create the data directory (both databases, uploaded songs) and STATIC_ROOT in it
        when missing: SQLite cannot create a file in a missing directory, and WhiteNoise warns
        at every start when STATIC_ROOT is missing."""
        for folder in (settings.DATA_DIR, settings.STATIC_ROOT):
            Path(folder).mkdir(parents=True, exist_ok=True)
