"""Long recordings through gunicorn as the README runs it: an upload that takes many times
``KAZOOM_CLIENT_TIMEOUT`` to arrive, but never stops for that long, is taken whole and queued;
one that stops coming is refused as any other."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from testsupport.commands import migrated_data_dir
from testsupport.hostile import wav_bytes
from testsupport.malformed import MULTIPART, multipart, part
from testsupport.production import production_env
from testsupport.server import served
from testsupport.timeline_jobs import job

#: Each read of a body may wait this long (seconds); the upload below takes about 4× it.
CLIENT_TIMEOUT = 1.5
#: 24 MB of audio (18 min at 11,025 Hz), sent a megabyte at a time, every quarter second.
AUDIO_BYTES = 24 * 1024 * 1024
PIECE_BYTES = 1024 * 1024
PAUSE_SECONDS = 0.25


RECORDING = wav_bytes(data=b"\1\0" * (AUDIO_BYTES // 2))


def _recording_body() -> bytes:
    head = ['Content-Disposition: form-data; name="file"; filename="long.wav"']
    return multipart(part([*head, "Content-Type: audio/wav"], RECORDING))


def _send_slowly(address: tuple[str, int], body: bytes, stop_after: int | None) -> socket.socket:
    """POST ``body`` to /api/timeline a piece at a time; with ``stop_after``, stop sending
    after that many bytes (and keep the connection open)."""
    connection = socket.create_connection(address, timeout=60)
    head = (
        f"POST /api/timeline HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {MULTIPART}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    connection.sendall(head.encode())
    end = len(body) if stop_after is None else stop_after
    for start in range(0, end, PIECE_BYTES):
        connection.sendall(body[start : min(start + PIECE_BYTES, end)])
        time.sleep(PAUSE_SECONDS)
    return connection


def _answer(connection: socket.socket) -> tuple[int, dict]:
    response = http.client.HTTPResponse(connection)
    response.begin()
    body = json.loads(response.read())
    connection.close()
    return response.status, body


def test_a_long_upload_is_taken_and_a_stalled_one_refused(tmp_path: Path) -> None:
    data = migrated_data_dir(tmp_path / "data")
    body = _recording_body()
    env = production_env(KAZOOM_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))
    with served(data, env=env) as server:
        parts = urlsplit(server.url)
        address = (parts.hostname or "", parts.port or 0)
        began = time.monotonic()
        status, answer = _answer(_send_slowly(address, body, stop_after=None))
        took = time.monotonic() - began
        stalled_status, stalled = _answer(_send_slowly(address, body, stop_after=len(body) // 2))

    assert status == 202, answer
    assert took > 3 * CLIENT_TIMEOUT
    queued = job(data, answer["job"]["id"])
    assert queued["status"] == "queued"
    assert queued["total_seconds"] == AUDIO_BYTES / 2 / 11025
    kept = data / "timeline-uploads" / f"{queued['public_id']}.upload"
    assert kept.read_bytes() == RECORDING
    assert (stalled_status, stalled["error"]["code"]) == (400, "bad_request")
    assert len(list((data / "timeline-uploads").iterdir())) == 1
    assert list((data / "uploads").iterdir()) == []
