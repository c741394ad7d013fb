"""The admin's login is throttled (django-axes): after KAZOOM_ADMIN_LOGIN_FAILURES failed
logins from one address, the next is refused with a plain page, even with the right password,
until KAZOOM_ADMIN_LOCKOUT_MINUTES have passed; another address still logs in."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Kaz00m-admin-pass"


@pytest.fixture(autouse=True)
def admin_account() -> User:
    return User.objects.create_superuser("boss", "boss@example.org", PASSWORD)


def _log_in(client: Client, password: str) -> tuple[int, str]:
    response = client.post("/admin/login/", {"username": "boss", "password": password})
    return response.status_code, response.content.decode()


def _logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_after_the_failures_allowed_even_the_right_password_is_refused(client: Client) -> None:
    failures = [_log_in(client, "wrong-password") for _ in range(settings.AXES_FAILURE_LIMIT - 1)]
    assert all(status == 200 and "correct username" in page for status, page in failures)
    assert _log_in(client, "wrong-password")[0] == 429  # the last failure allowed locks out

    status, page = _log_in(client, PASSWORD)

    assert status == 429
    assert "Too many failed logins" in page and "0:15:00" in page
    assert "Traceback" not in page
    assert not _logged_in(client)


def test_another_address_still_logs_in(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong-password")
    elsewhere = Client(REMOTE_ADDR="192.0.2.20")

    assert _log_in(elsewhere, PASSWORD)[0] == 302
    assert _logged_in(elsewhere)


def test_a_login_that_succeeds_forgets_the_failures(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "wrong-password")
    assert _log_in(client, PASSWORD)[0] == 302
    client.post("/admin/logout/")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "wrong-password")

    assert _log_in(client, PASSWORD)[0] == 302


def test_the_lockout_ends_after_its_cool_off(client: Client, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong-password")
    assert _log_in(client, PASSWORD)[0] == 429

    time.sleep(2.5)

    assert _log_in(client, PASSWORD)[0] == 302
    assert _logged_in(client)
