"""The production settings are safe by default: DEBUG off refuses the development key, the
README's environment passes ``check --deploy``, a TLS proxy's requests are secure, and a
request that fails leaves its traceback on the console, never in the answer."""

from __future__ import annotations

import http.client
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from testsupport.commands import migrated_data_dir, run_manage
from testsupport.production import production_env
from testsupport.server import served

HOST = "kazoom.example.org"
#: The environment the README's production-style run exports, behind its TLS proxy.
README_PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
}
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize(
    "key", [None, "kazoom-development-key-change-me-in-production"], ids=["unset", "development"]
)
def test_without_debug_the_development_key_stops_start_up(key: str | None, tmp_path: Path) -> None:
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": key or ""}

    run = run_manage("check", data_dir=tmp_path / "data", **env)

    assert run.returncode != 0
    assert (
        "ImproperlyConfigured: environment variable DJANGO_SECRET_KEY must be set to a secret "
        "of your own"
    ) in run.stderr


def test_with_debug_on_the_development_key_is_used(tmp_path: Path) -> None:
    run = run_manage("check", data_dir=tmp_path / "data", DJANGO_DEBUG="1", DJANGO_SECRET_KEY="")

    assert run.returncode == 0, run.stderr


#: The browser tests set this in the test process for Playwright's event loop; a deployment
#: never has it, and ``check --deploy`` rightly refuses it (async.E001).
NOT_IN_DEPLOYMENT = {"DJANGO_ALLOW_ASYNC_UNSAFE": ""}


def test_check_deploy_finds_nothing_in_the_readme_production_environment(tmp_path: Path) -> None:
    run = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=tmp_path / "data",
        **README_PRODUCTION,
        **NOT_IN_DEPLOYMENT,
    )

    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout


def test_check_deploy_warns_of_a_site_that_is_not_on_https(tmp_path: Path) -> None:
    run = run_manage(
        "check", "--deploy", data_dir=tmp_path / "data", **README_PRODUCTION, DJANGO_HTTPS="0"
    )

    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in run.stderr + run.stdout


def _request(
    port: int, method: str, path: str, headers: dict[str, str], body: str = ""
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body or None, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.read()
    return response


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of gunicorn in the README's production environment, as its proxy reaches it."""
    data = migrated_data_dir(tmp_path_factory.mktemp("data"))
    with served(data, workers=1, env=README_PRODUCTION) as server:
        yield int(urlsplit(server.url).port or 0)


def test_plain_http_is_redirected_to_https(proxied: int) -> None:
    response = _request(proxied, "GET", "/songs/", {})

    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/songs/"


def test_a_request_the_proxy_forwarded_over_https_is_secure(proxied: int) -> None:
    response = _request(proxied, "GET", "/", {"X-Forwarded-Proto": "https"})

    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    cookie = response.getheader("Set-Cookie") or ""
    assert cookie.startswith("csrftoken=") and "Secure" in cookie


def test_the_upload_form_passes_its_csrf_check_through_the_proxy(proxied: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxied, timeout=60)
    connection.request("GET", "/", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
    page = connection.getresponse()
    token = _CSRF_FIELD.search(page.read().decode())
    cookie = (page.getheader("Set-Cookie") or "").partition(";")[0]
    assert token is not None

    response = _request(
        proxied,
        "POST",
        "/recognize",
        {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=f"csrfmiddlewaretoken={token.group(1)}&source=upload",
    )

    assert response.status == 400  # the form was read: no file was sent, not a 403


def test_without_debug_a_failing_request_is_logged_with_its_traceback(tmp_path: Path) -> None:
    data = tmp_path / "unmigrated"  # every query of the catalog fails
    data.mkdir()
    with served(data, workers=1, env=production_env()) as server:
        connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=60)
        connection.request("GET", "/songs/")
        response = connection.getresponse()
        body = response.read().decode()
    log = server.log.read_text()

    assert response.status == 500
    assert "Traceback" not in body and str(data) not in body
    assert "ERROR django.request: Internal Server Error: /songs/" in log
    assert "Traceback (most recent call last)" in log and "no such table" in log
