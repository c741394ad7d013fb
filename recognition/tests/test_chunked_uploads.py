"""A chunked upload (no Content-Length) through gunicorn, as the README runs it, is refused in
the API's JSON shape, never read as an empty form."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testsupport.commands import REPO, manage_env, migrated_data_dir
from testsupport.hostile import wav_bytes
from testsupport.malformed import MULTIPART, audio_part, multipart
from testsupport.ports import free_port
from testsupport.production import GUNICORN_CONFIG, production_env


def accepts_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn on a free local port, over a fresh data directory; its port."""
    data = migrated_data_dir(tmp_path_factory.mktemp("data"))
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--config", str(GUNICORN_CONFIG), "kazoom_site.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO,
        env=manage_env(data, **production_env(DJANGO_ALLOWED_HOSTS="127.0.0.1")),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):  # up to 30 s for it to start
            if accepts_connections(port) or process.poll() is not None:
                break
            time.sleep(0.05)
        assert process.poll() is None
        yield port
    finally:
        process.terminate()
        process.wait()


def test_a_chunked_upload_is_refused_with_411(server: int) -> None:
    body = multipart(audio_part(wav_bytes()))
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)

    connection.request(
        "POST",
        "/api/recognize",
        body=iter([body[:1000], body[1000:]]),
        headers={"Content-Type": MULTIPART},
        encode_chunked=True,
    )
    response = connection.getresponse()

    assert response.status == 411
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(response.read())["error"]["code"] == "length_required"


def test_the_same_upload_with_its_length_is_read(server: int) -> None:
    body = multipart(audio_part(wav_bytes()))
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)

    connection.request("POST", "/api/recognize", body=body, headers={"Content-Type": MULTIPART})
    response = connection.getresponse()

    # A second of digital silence: read, decoded, and matched with nothing.
    assert response.status == 200
    assert json.loads(response.read())["match"] is None
