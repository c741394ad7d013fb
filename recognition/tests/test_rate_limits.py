"""Per-client rate limits on recognition (``KAZOOM_RATE_LIMIT``): the page and the API share
one count per client; over it, 429 ``rate_limited`` with Retry-After, in the API's shape or on
the page's card, in both DEBUG modes; counted in the cache every gunicorn worker shares."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from recognition.models import RecognitionAttempt
from testsupport.commands import migrated_data_dir
from testsupport.production import production_env
from testsupport.server import Browser, served

pytestmark = pytest.mark.django_db

ALLOWED = 3


@pytest.fixture(autouse=True)
def three_a_minute(settings) -> None:  # noqa: ANN001
    """The limit, over counts that start at 0 (each test's own go with its transaction)."""
    settings.KAZOOM_RATE_LIMIT = (ALLOWED, 60)
    cache.clear()


def _api(client: Client, **headers: str) -> tuple[int, dict, str | None]:
    response = client.post("/api/recognize", {}, headers=headers)
    return response.status_code, response.json(), response.get("Retry-After")


def _page(client: Client) -> tuple[int, str, str | None]:
    response = client.post("/recognize", {"source": "upload"}, headers={"HX-Request": "true"})
    return response.status_code, response.content.decode(), response.get("Retry-After")


def test_the_api_answers_429_once_the_client_has_used_its_rate(client: Client) -> None:
    answers = [_api(client) for _ in range(ALLOWED)]
    status, body, retry_after = _api(client)

    assert [status for status, _, _ in answers] == [400] * ALLOWED  # no file: counted too
    assert status == 429
    assert body["error"]["code"] == "rate_limited"
    assert "the limit is 3 a minute" in body["error"]["message"]
    assert retry_after is not None and 1 <= int(retry_after) <= 60
    assert RecognitionAttempt.objects.count() == ALLOWED  # the refusal is not logged


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
def test_the_page_shows_the_error_card_and_shares_the_api_s_count(
    debug: bool,
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    for _ in range(ALLOWED - 1):
        _api(client)
    assert _page(client)[0] == 400

    status, card, retry_after = _page(client)

    assert status == 429 and retry_after is not None
    assert 'data-code="rate_limited"' in card and "Too many recognitions" in card


class Clock:
    """``time.time`` at a chosen moment after the next midnight (UTC): a period of a minute or
    an hour starts there, and the cache's expiry times, from the same clock, are still to come
    by the real one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.midnight = (int(time.time()) // 86400 + 1) * 86400
        self.seconds_after = 0.0
        monkeypatch.setattr(time, "time", lambda: self.midnight + self.seconds_after)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.mark.parametrize(
    ("rate", "seconds_after", "wait", "retry_after"),
    [((ALLOWED, 60), 15.5, "45 s", "45"), ((ALLOWED, 3600), 2560.0, "18 min", "1040")],
    ids=["a minute", "an hour"],
)
def test_the_refusal_says_when_to_try_again(
    rate: tuple[int, int],
    seconds_after: float,
    wait: str,
    retry_after: str,
    clock: Clock,
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_RATE_LIMIT = rate
    clock.seconds_after = seconds_after
    for _ in range(ALLOWED):
        _api(client)

    status, body, header = _api(client)

    assert status == 429
    assert body["error"]["message"].endswith(f"Try again in {wait}.")
    assert header == retry_after


def test_each_client_has_its_own_count(client: Client) -> None:
    for _ in range(ALLOWED + 1):
        _api(client)

    assert _api(Client(REMOTE_ADDR="192.0.2.7"))[0] == 400


def test_a_new_period_starts_the_count_again(client: Client, clock: Clock) -> None:
    clock.seconds_after = 50
    answers = [_api(client)[0] for _ in range(ALLOWED + 1)]
    clock.seconds_after = 61

    assert answers[-1] == 429
    assert _api(client)[0] == 400


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client: Client) -> None:
    answers = [_api(client, X_Forwarded_For=f"198.51.100.{n}")[0] for n in range(ALLOWED + 1)]

    assert answers[-1] == 429


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(
    client: Client,
    settings,  # noqa: ANN001
) -> None:
    settings.KAZOOM_TRUSTED_PROXIES = 1
    spoofed = [
        _api(client, X_Forwarded_For=f"10.9.9.{n}, 203.0.113.5")[0] for n in range(ALLOWED + 1)
    ]

    assert spoofed[-1] == 429  # the client wrote the first entry, the proxy the last
    assert _api(client, X_Forwarded_For="203.0.113.6")[0] == 400


def test_a_cache_that_cannot_be_used_lets_the_request_through(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE kazoom_cache RENAME TO kazoom_cache_gone")

    answers = [_api(client)[0] for _ in range(ALLOWED + 1)]

    assert answers == [400] * (ALLOWED + 1)
    assert "the rate limit could not be counted" in caplog.text


def test_without_a_rate_nothing_is_limited(client: Client, settings) -> None:  # noqa: ANN001
    settings.KAZOOM_RATE_LIMIT = None

    assert {_api(client)[0] for _ in range(2 * ALLOWED)} == {400}


def test_gunicorn_s_workers_share_one_count(tmp_path: Path) -> None:
    data = migrated_data_dir(tmp_path / "data")
    statuses: Counter[int] = Counter()

    def post(url: str) -> None:
        status, _ = Browser(url).post("/api/recognize", {"note": "no file"})
        statuses[status] += 1

    with served(data, env=production_env(KAZOOM_RATE_LIMIT="5/h")) as server:
        clients = [threading.Thread(target=post, args=(server.url,)) for _ in range(12)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()

    assert statuses == {400: 5, 429: 7}
