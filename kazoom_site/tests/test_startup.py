"""Starting Kazoom the way a person does, in a fresh process: a fresh data directory, settings
checked before anything runs, logs on the console."""

from __future__ import annotations

import os
from pathlib import Path

from testsupport.commands import REPO, run_manage
from testsupport.production import production_env


def test_migrate_creates_a_fresh_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"

    default = run_manage("migrate", "--verbosity", "0", data_dir=data)
    fingerprints = run_manage(
        "migrate", "--database", "fingerprints", "--verbosity", "0", data_dir=data
    )

    assert default.returncode == fingerprints.returncode == 0, default.stderr + fingerprints.stderr
    assert (data / "kazoom.sqlite3").is_file() and (data / "fingerprints.sqlite3").is_file()
    assert (data / "staticfiles").is_dir()


def test_check_fails_on_a_bad_kazoom_setting(tmp_path: Path) -> None:
    (tmp_path / "bad_settings.py").write_text(
        "from kazoom_site.settings import *  # noqa: F403\nKAZOOM = {'no_such_setting': 1}\n"
    )

    run = run_manage(
        "check",
        data_dir=tmp_path / "data",
        DJANGO_SETTINGS_MODULE="bad_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO)]),
    )

    assert run.returncode != 0
    assert "fingerprints.E001" in run.stderr and "no_such_setting" in run.stderr


def test_an_unreadable_environment_value_stops_start_up_naming_it(tmp_path: Path) -> None:
    run = run_manage("check", data_dir=tmp_path / "data", DJANGO_DEBUG="maybe")

    assert run.returncode != 0
    assert "ImproperlyConfigured: environment variable DJANGO_DEBUG='maybe'" in run.stderr


def test_an_unreadable_fingerprints_url_stops_start_up_naming_it_but_not_its_password(
    tmp_path: Path,
) -> None:
    url = "mysql://kazoom:s3cret@db.example.org/kazoom"

    run = run_manage("check", data_dir=tmp_path / "data", KAZOOM_FINGERPRINTS_URL=url)

    assert run.returncode != 0
    assert (
        "ImproperlyConfigured: environment variable "
        "KAZOOM_FINGERPRINTS_URL='mysql://kazoom:***@db.example.org/kazoom'"
    ) in run.stderr
    assert "s3cret" not in run.stderr


def test_without_debug_request_errors_and_recognition_logs_reach_the_console(
    tmp_path: Path,
) -> None:
    code = (
        "import logging; "
        "logging.getLogger('django.request').error('a request failed'); "
        "logging.getLogger('recognition.intake').error('a recognition failed')"
    )

    run = run_manage("shell", "-c", code, data_dir=tmp_path / "data", **production_env())

    assert run.returncode == 0, run.stderr
    assert "ERROR django.request: a request failed" in run.stderr
    assert "ERROR recognition.intake: a recognition failed" in run.stderr
