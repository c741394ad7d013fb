"""Kazoom served by gunicorn in a process of its own, and a client that talks to it as a
browser does (cookies, CSRF tokens, multipart forms)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.test.client import encode_multipart

from .commands import REPO
from .ports import free_port
from .production import GUNICORN_CONFIG

_BOUNDARY = "KazoomServerTestBoundary"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    #: The environment it runs in: a command run with it works on the same data directory.
    env: dict[str, str]


@contextmanager
def served(
    data_dir: Path, *, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """gunicorn running Kazoom as the README runs it (its configuration file) on ``data_dir``
    (migrated beforehand), in this environment and ``extra_env``, until the block ends; its
    output goes to ``data_dir``/server.log. Yielded once the port answers."""
    port = free_port()
    log = data_dir / "server.log"
    inherited = {k: v for k, v in os.environ.items() if k != "KAZOOM_FINGERPRINTS_URL"}
    env = {**inherited, "KAZOOM_DATA_DIR": str(data_dir), **(env or {})}
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)]
    command += ["kazoom_site.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process)
        yield Server(f"http://127.0.0.1:{port}", log, env)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the server exited with status {process.returncode}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """Requests with a cookie jar, each answered as (status, body); redirects are not
    followed, so a form that saved answers 302."""

    def __init__(self, base_url: str, context: ssl.SSLContext | None = None) -> None:
        """``context``: how to check an HTTPS server's certificate, if not by the system's."""
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPSHandler(context=context),
            _NoRedirects(),
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path, headers=headers or {}))

    def post(
        self, path: str, fields: dict[str, object], files: dict[str, bytes] | None = None
    ) -> tuple[int, str]:
        body = encode_multipart(_BOUNDARY, fields).removesuffix(f"--{_BOUNDARY}--\r\n".encode())
        for name, content in (files or {}).items():
            head = (
                f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            body += head.encode() + content + b"\r\n"
        body += f"--{_BOUNDARY}--\r\n".encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={_BOUNDARY}",
                "Referer": self.base_url + path,
            },
        )
        return self._open(request)

    def post_form(
        self, path: str, fields: dict[str, object], files: dict[str, bytes] | None = None
    ) -> tuple[int, str]:
        """GET the form at ``path`` for its CSRF token, then POST ``fields`` with it."""
        _, page = self.get(path)
        found = _CSRF_FIELD.search(page)
        if found is None:
            raise AssertionError(f"no CSRF token in the page at {path}")
        return self.post(path, {**fields, "csrfmiddlewaretoken": found.group(1)}, files)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self._opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
