"""System checks of the engine's settings, run by ``manage.py check`` and before commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from .wiring import engine_config


def engine_config_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """``settings.KAZOOM`` must make a valid engine config: an unknown name or a bad value is
    reported here rather than at the first recognition."""
    try:
        engine_config()
    except (TypeError, ValueError) as error:
        return [
            Error(
                f"settings.KAZOOM does not make a valid engine config: {error}",
                hint="Its keys and values are the fields of fingerprints.config.EngineConfig.",
                id="fingerprints.E001",
            )
        ]
    return []
