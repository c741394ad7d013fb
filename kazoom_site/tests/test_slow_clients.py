"""Slow and idle clients do not stop the site: gunicorn with the repository's configuration
(threaded workers, tight timeouts) answers ``GET /`` within a second while 20 sockets send
nothing or less than they declared, and cuts off a client that stops sending its headers or
its body."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from testsupport.commands import migrated_data_dir
from testsupport.hostile import wav_bytes
from testsupport.malformed import MULTIPART, audio_part, multipart
from testsupport.production import production_env
from testsupport.server import served

SLOW_SOCKETS = 20
#: More than one worker process has threads (the configuration's 32).
STALLED_HEADS = 40
#: How long a GET may take while they hang: a behaviour bound, not a benchmark.
GET_BOUND_SECONDS = 1.0


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 0


def _idle(address: tuple[str, int]) -> socket.socket:
    """A connection that never sends a byte."""
    return socket.create_connection(address, timeout=60)


def _short_body(address: tuple[str, int]) -> socket.socket:
    """A recognition whose Content-Length is one byte more than the body it sends."""
    body = multipart(audio_part(wav_bytes()))
    connection = socket.create_connection(address, timeout=60)
    head = (
        f"POST /api/recognize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {MULTIPART}\r\n"
        f"Content-Length: {len(body) + 1}\r\n\r\n"
    )
    connection.sendall(head.encode() + body)
    return connection


def _stalled_head(address: tuple[str, int]) -> socket.socket:
    """A request that stops half-way through its headers."""
    connection = socket.create_connection(address, timeout=60)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/")
    return connection


def _timed_get(address: tuple[str, int]) -> tuple[int, float]:
    began = time.monotonic()
    connection = http.client.HTTPConnection(*address, timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - began


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path_factory.mktemp("data"))


def test_twenty_idle_or_slow_sockets_do_not_delay_the_home_page(data: Path) -> None:
    with served(data, env=production_env()) as server, ExitStack() as hanging:
        address = _address(server.url)
        assert _timed_get(address)[0] == 200  # warm: both workers have loaded Django
        for number in range(SLOW_SOCKETS):
            opened = _idle(address) if number % 2 else _short_body(address)
            hanging.callback(opened.close)
        time.sleep(0.5)  # each has reached a worker thread

        answers = [_timed_get(address) for _ in range(5)]

    assert [status for status, _ in answers] == [200] * 5
    slowest = max(seconds for _, seconds in answers)
    assert slowest < GET_BOUND_SECONDS, f"GET / took {slowest:.2f} s"


@pytest.fixture
def cut_off_after_one_second(data: Path) -> Iterator[tuple[str, int]]:
    with served(data, env=production_env(KAZOOM_CLIENT_TIMEOUT="1")) as server:
        address = _address(server.url)
        assert _timed_get(address)[0] == 200  # warm: the workers have loaded Django
        yield address


def test_a_client_that_stops_sending_its_body_is_refused(
    cut_off_after_one_second: tuple[str, int],
) -> None:
    connection = _short_body(cut_off_after_one_second)
    began = time.monotonic()

    response = http.client.HTTPResponse(connection)
    response.begin()
    waited = time.monotonic() - began
    body = json.loads(response.read())
    connection.close()

    assert response.status == 400
    assert body["error"]["code"] == "bad_request"
    assert waited < 5, f"answered after {waited:.1f} s"


def test_clients_that_stop_in_their_headers_give_their_threads_back(data: Path) -> None:
    """Every thread of the one worker holds a head that stopped coming: each is closed once a
    read of it has waited the one-second timeout, and the home page is answered while they
    hang, while they are closed and after."""
    with served(data, workers=1, env=production_env(KAZOOM_CLIENT_TIMEOUT="1")) as server:
        address = _address(server.url)
        assert _timed_get(address)[0] == 200  # warm: the worker has loaded Django
        stalled = [_stalled_head(address) for _ in range(STALLED_HEADS)]
        answers = []
        for _ in range(4):
            time.sleep(0.5)
            answers.append(_timed_get(address))
        closed = [connection.recv(1) for connection in stalled]
        for connection in stalled:
            connection.close()
        log = server.log.read_text()

    assert [status for status, _ in answers] == [200] * 4
    slowest = max(seconds for _, seconds in answers)
    # The first waits for a thread to come free: at most one timeout.
    assert slowest < 1 + GET_BOUND_SECONDS, f"GET / took {slowest:.2f} s"
    assert closed == [b""] * STALLED_HEADS
    assert log.count("request head stopped coming for 1 s") == STALLED_HEADS
    assert "Traceback" not in log
