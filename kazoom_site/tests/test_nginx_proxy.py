"""The repository's nginx site file in front of gunicorn, both as the README runs them (one
gunicorn worker here, its 32 threads): clients trickling their requests' heads, three times as
many as the threads, do not delay the home page, which they would hold up with gunicorn alone;
over HTTPS through it the admin's forms pass the CSRF check, a client is the address nginx
saw, whatever it writes in X-Forwarded-For, and plain HTTP is sent to HTTPS."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from testsupport.commands import migrated_data_dir, run_manage
from testsupport.hostile import wav_bytes
from testsupport.malformed import MULTIPART, audio_part, multipart
from testsupport.nginx import HOST, Proxy, proxied
from testsupport.production import production_env
from testsupport.server import Browser, served

#: Three times the threads of the one gunicorn worker.
TRICKLING = 96
#: How often each trickling client sends a byte: well within every timeout.
TRICKLE_SECONDS = 0.5
#: How long a GET may take while they trickle: a behaviour bound, not a benchmark.
GET_BOUND_SECONDS = 1.0
PASSWORD = "a-long-test-password"
RATE_LIMIT = 2


@dataclass(frozen=True)
class Site:
    proxy: Proxy
    context: ssl.SSLContext


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = migrated_data_dir(tmp_path_factory.mktemp("data"))
    made = run_manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "admin@example.org",
        data_dir=data,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    env = production_env(
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        KAZOOM_TRUSTED_PROXIES="1",
        KAZOOM_RATE_LIMIT=f"{RATE_LIMIT}/m",
    )
    with served(data, workers=1, env=env) as server:
        upstream = urlsplit(server.url).port or 0
        with proxied(upstream, tmp_path_factory.mktemp("nginx")) as proxy:
            context = ssl.create_default_context(cafile=str(proxy.certificate))
            yield Site(proxy, context)


def _address(url: str) -> tuple[str, int]:
    return "127.0.0.1", urlsplit(url).port or 0


def _timed_get(site: Site) -> tuple[int, float]:
    began = time.monotonic()
    connection = http.client.HTTPSConnection(
        HOST, urlsplit(site.proxy.https_url).port, timeout=30, context=site.context
    )
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - began


def _trickling_head(site: Site) -> ssl.SSLSocket:
    """A TLS connection whose request has begun a header it will add a byte to at a time."""
    raw = socket.create_connection(_address(site.proxy.https_url), timeout=30)
    connection = site.context.wrap_socket(raw, server_hostname=HOST)
    connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
    return connection


def _trickle(connections: list[ssl.SSLSocket], stop: threading.Event) -> None:
    while not stop.wait(TRICKLE_SECONDS):
        for connection in connections:
            connection.sendall(b"x")


def test_clients_trickling_their_heads_do_not_delay_the_home_page(site: Site) -> None:
    assert _timed_get(site)[0] == 200  # warm: the worker has loaded Django
    stop = threading.Event()
    with ExitStack() as open_connections:
        trickling = []
        for _ in range(TRICKLING):
            connection = _trickling_head(site)
            open_connections.callback(connection.close)
            trickling.append(connection)
        trickler = threading.Thread(target=_trickle, args=(trickling, stop))
        trickler.start()
        open_connections.callback(trickler.join)
        open_connections.callback(stop.set)
        time.sleep(2 * TRICKLE_SECONDS)  # each has sent more since it connected

        answers = []
        for _ in range(5):
            answers.append(_timed_get(site))
            time.sleep(TRICKLE_SECONDS)

    assert [status for status, _ in answers] == [200] * 5
    slowest = max(seconds for _, seconds in answers)
    assert slowest < GET_BOUND_SECONDS, f"GET / took {slowest:.2f} s"


def test_the_admin_s_forms_pass_the_csrf_check_over_https_through_the_proxy(site: Site) -> None:
    browser = Browser(site.proxy.https_url, site.context)

    status, _ = browser.post_form("/admin/login/", {"username": "admin", "password": PASSWORD})

    assert status == 302
    assert browser.get("/admin/")[0] == 200


def _recognize(site: Site, forwarded_for: str) -> int:
    body = multipart(audio_part(wav_bytes()))
    connection = http.client.HTTPSConnection(
        HOST, urlsplit(site.proxy.https_url).port, timeout=30, context=site.context
    )
    headers = {"Content-Type": MULTIPART, "X-Forwarded-For": forwarded_for}
    connection.request("POST", "/api/recognize", body, headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_client_is_the_address_nginx_saw_whatever_it_writes(site: Site) -> None:
    statuses = [_recognize(site, f"203.0.113.{n}") for n in range(RATE_LIMIT + 1)]

    assert statuses == [200] * RATE_LIMIT + [429]


def test_plain_http_is_sent_to_https(site: Site) -> None:
    connection = http.client.HTTPConnection(*_address(site.proxy.http_url), timeout=30)
    connection.request("GET", "/songs/", headers={"Host": HOST})
    response = connection.getresponse()
    connection.close()

    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/songs/"
