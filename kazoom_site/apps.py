from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class KazoomSiteConfig(AppConfig):
    name = "kazoom_site"
    verbose_name = "Kazoom site"

    def ready(self) -> None:
        """Create the data directory (both databases, uploaded songs), STATIC_ROOT and the
        uploads' folder in it when missing: SQLite cannot create a file in a missing directory,
        WhiteNoise warns at every start when STATIC_ROOT is missing, and an upload cannot be
        written to a missing folder."""
        for folder in (settings.DATA_DIR, settings.STATIC_ROOT, settings.FILE_UPLOAD_TEMP_DIR):
            Path(folder).mkdir(parents=True, exist_ok=True)
