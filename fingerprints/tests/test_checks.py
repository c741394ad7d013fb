"""The system check of ``settings.KAZOOM``: a bad override is reported at start-up."""

from __future__ import annotations

import pytest
from django.core.checks import Error, run_checks
from pytest_django.fixtures import Settings

from fingerprints.config import EngineConfig


def _errors() -> list[Error]:
    return [m for m in run_checks() if isinstance(m, Error) and m.id == "fingerprints.E001"]


def test_the_default_engine_config_passes() -> None:
    assert _errors() == []


def test_an_unknown_name_is_an_error_naming_it(settings: Settings) -> None:
    settings.KAZOOM = {"index_fan_out": 5, "no_such_setting": 1}

    [error] = _errors()

    assert "no_such_setting" in error.msg and "index_fan_out" not in error.msg


@pytest.mark.parametrize(
    "overrides",
    [{"no_such_setting": 1}, {"query_fan_out": 1}, {"index_fan_out": "many"}],
    ids=["unknown name", "inconsistent values", "wrong type"],
)
def test_a_bad_override_is_an_error_with_the_engines_reason(
    overrides: dict[str, object], settings: Settings
) -> None:
    settings.KAZOOM = overrides
    with pytest.raises((TypeError, ValueError)) as refused:
        EngineConfig.from_overrides(overrides)

    [error] = _errors()

    assert error.msg == f"settings.KAZOOM does not make a valid engine config: {refused.value}"
