"""Typed environment values for the settings: defaults, accepted spellings, clear refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from kazoom_site.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_postgres,
    env_rate,
    env_secret,
)

NAME = "KAZOOM_TEST_VALUE"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return lambda value: monkeypatch.setenv(NAME, value)


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " on "])
def test_env_bool_reads_true(value: str, env: Callable[[str], None]) -> None:
    env(value)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "Off"])
def test_env_bool_reads_false(value: str, env: Callable[[str], None]) -> None:
    env(value)
    assert env_bool(NAME, True) is False


def test_env_int_reads_a_whole_number(env: Callable[[str], None]) -> None:
    env("20971520")
    assert env_int(NAME, 1) == 20971520


def test_env_list_strips_items_and_drops_empty_ones(env: Callable[[str], None]) -> None:
    env("kazoom.example.org, localhost,,")
    assert env_list(NAME, ["x"]) == ["kazoom.example.org", "localhost"]


def test_env_path_is_made_absolute(
    env: Callable[[str], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env("data")
    assert env_path(NAME, Path("/elsewhere")) == tmp_path.resolve() / "data"


def test_env_choice_takes_any_case(env: Callable[[str], None]) -> None:
    env("warning")
    assert env_choice(NAME, "INFO", ["INFO", "WARNING"]) == "WARNING"


def test_env_postgres_reads_every_part_of_the_url(env: Callable[[str], None]) -> None:
    env("postgres://kazoom:p%40ss@db.example.org:6543/fingerprints?sslmode=require")

    assert env_postgres(NAME) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "fingerprints",
        "USER": "kazoom",
        "PASSWORD": "p@ss",
        "HOST": "db.example.org",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("postgresql://kazoom@%2Ftmp%2FKazoom-PG/kazoom", "/tmp/Kazoom-PG", ""),
        ("postgres://kazoom@[::1]:5433/kazoom", "::1", "5433"),
        ("postgres:///kazoom", "", ""),
    ],
    ids=["socket directory", "IPv6", "libpq defaults"],
)
def test_env_postgres_keeps_the_host_as_written(
    url: str, host: str, port: str, env: Callable[[str], None]
) -> None:
    env(url)

    database = env_postgres(NAME)

    assert database is not None
    assert (database["HOST"], database["PORT"], database["NAME"]) == (host, port, "kazoom")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("mysql://kazoom@db/kazoom", "mysql://kazoom@db/kazoom"),
        ("postgres://kazoom:secret@db:5432/", "postgres://kazoom:***@db:5432/"),
        ("postgres://kazoom:secret@db:port/kazoom", "postgres://kazoom:***@db:port/kazoom"),
        ("db.example.org/kazoom", "db.example.org/kazoom"),
    ],
    ids=["another database", "no database name", "a port that is not a number", "no scheme"],
)
def test_an_unreadable_postgres_url_is_refused_without_its_password(
    value: str, shown: str, env: Callable[[str], None]
) -> None:
    env(value)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_postgres(NAME)

    assert str(refused.value) == (
        f"environment variable {NAME}={shown!r}: expected postgres://user:password@host:port/dbname"
    )


READERS: dict[str, tuple[Callable[[str, Any], Any], Any]] = {
    "bool": (env_bool, True),
    "int": (env_int, 7),
    "list": (env_list, ["a"]),
    "path": (env_path, Path("/srv/kazoom")),
    "choice": (lambda name, default: env_choice(name, default, ["INFO"]), "INFO"),
    "postgres": (lambda name, _: env_postgres(name), None),
    "rate": (lambda name, _: env_rate(name), None),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_unset_or_blank_is_the_default(
    reader: str, value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, default = READERS[reader]
    if value is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, value)
    assert read(NAME, default) == default


@pytest.mark.parametrize(
    ("read", "value", "accepted"),
    [
        (lambda: env_bool(NAME, True), "maybe", "1/0, true/false, yes/no or on/off"),
        (lambda: env_int(NAME, 1), "20MB", "a whole number"),
        (lambda: env_choice(NAME, "INFO", ["INFO", "DEBUG"]), "loud", "one of INFO, DEBUG"),
    ],
    ids=["bool", "int", "choice"],
)
def test_an_unreadable_value_is_refused_naming_the_variable(
    read: Callable[[], object], value: str, accepted: str, env: Callable[[str], None]
) -> None:
    env(value)

    with pytest.raises(ImproperlyConfigured) as refused:
        read()

    assert str(refused.value) == f"environment variable {NAME}={value!r}: expected {accepted}"


def test_env_secret_reads_the_secret_or_the_development_value(
    env: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    env("s3cret")
    assert env_secret(NAME, "dev-key", required=True) == "s3cret"
    monkeypatch.delenv(NAME)
    assert env_secret(NAME, "dev-key", required=False) == "dev-key"


@pytest.mark.parametrize("value", ["", "dev-key"], ids=["unset", "the development value"])
def test_a_required_secret_refuses_the_development_value(
    value: str, env: Callable[[str], None]
) -> None:
    env(value)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_secret(NAME, "dev-key", required=True)

    assert str(refused.value).startswith(f"environment variable {NAME} must be set")
    assert "dev-key" not in str(refused.value)


@pytest.mark.parametrize(
    ("value", "rate"), [("30/m", (30, 60)), (" 5 / h ", (5, 3600)), ("1/s", (1, 1))]
)
def test_env_rate_reads_requests_per_period(
    value: str, rate: tuple[int, int], env: Callable[[str], None]
) -> None:
    env(value)
    assert env_rate(NAME) == rate


@pytest.mark.parametrize("value", ["30", "0/m", "many/m", "30/week", "-1/m"])
def test_an_unreadable_rate_is_refused_naming_the_variable(
    value: str, env: Callable[[str], None]
) -> None:
    env(value)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_rate(NAME)

    assert str(refused.value) == (
        f"environment variable {NAME}={value!r}: expected a rate such as 30/m (per s, m, h or d)"
    )
