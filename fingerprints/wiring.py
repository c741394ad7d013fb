"""The one place where the engine's collaborators are built from Django settings.

Commands, views and signal handlers call these once and pass the results down; everything
below them takes its config and store as arguments.
"""

from django.conf import settings
from django.db import NotSupportedError, connections

from .config import EngineConfig
from .postgres_store import PostgresStore
from .routers import FINGERPRINTS_DB
from .sqlite_store import SqliteStore
from .store import FingerprintStore

#: The store for each database vendor that Kazoom's fingerprints can live on.
STORES: dict[str, type[FingerprintStore]] = {"sqlite": SqliteStore, "postgresql": PostgresStore}


def engine_config() -> EngineConfig:
    """The default config with ``settings.KAZOOM`` applied."""
    return EngineConfig.from_overrides(getattr(settings, "KAZOOM", {}))


def fingerprint_store() -> FingerprintStore:
    """The store of the database ``settings.DATABASES["fingerprints"]`` names."""
    vendor = connections[FINGERPRINTS_DB].vendor
    if vendor not in STORES:
        raise NotSupportedError(f"fingerprints live on SQLite or PostgreSQL, not on {vendor}")
    return STORES[vendor](alias=FINGERPRINTS_DB)
