"""The one place where the engine's collaborators are built from Django settings.

Commands, views and signal handlers call these once and pass the results down; everything
below them takes its config and store as arguments.
"""

from django.conf import settings

from .config import EngineConfig
from .routers import FINGERPRINTS_DB
from .store import FingerprintStore


def engine_config() -> EngineConfig:
    """The default config with ``settings.KAZOOM`` applied."""
    return EngineConfig.from_overrides(getattr(settings, "KAZOOM", {}))


def fingerprint_store() -> FingerprintStore:
    return FingerprintStore(alias=FINGERPRINTS_DB)
