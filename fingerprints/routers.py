"""Sends the fingerprints app to its own database, and nothing else there."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

FINGERPRINTS_DB = "fingerprints"
_APP = "fingerprints"


class FingerprintRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return FINGERPRINTS_DB if model._meta.app_label == _APP else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return FINGERPRINTS_DB if model._meta.app_label == _APP else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        if (obj1._meta.app_label == _APP) != (obj2._meta.app_label == _APP):
            return False
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return (db == FINGERPRINTS_DB) == (app_label == _APP)
