"""The repository's nginx site file (``deploy/nginx-kazoom.conf``) run by Debian's nginx in
front of a gunicorn a test started: on ports of the test's own, with a self-signed
certificate for ``localhost``, everything else as the file says."""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .commands import REPO
from .ports import free_port

SITE_FILE = REPO / "deploy" / "nginx-kazoom.conf"
#: The host name the proxied site answers to, in place of the file's.
HOST = "localhost"

_MAIN = """
daemon off;
user {user};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/kazoom.conf;
}}
"""


@dataclass(frozen=True)
class Proxy:
    https_url: str
    http_url: str
    #: The certificate it presents, for a client to trust.
    certificate: Path


@contextmanager
def proxied(upstream_port: int, folder: Path) -> Iterator[Proxy]:
    """nginx serving the site file, in front of gunicorn on ``upstream_port``, its files in
    ``folder``, until the block ends. Yielded once its HTTPS port answers."""
    certificate, key = _self_signed(folder)
    https_port, http_port = free_port(), free_port()
    site = _replaced(
        SITE_FILE.read_text(),
        {
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "/etc/ssl/kazoom/fullchain.pem": str(certificate),
            "/etc/ssl/kazoom/privkey.pem": str(key),
            "kazoom.example.org": HOST,
        },
    )
    (folder / "kazoom.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(_MAIN.format(folder=folder, user=getpass.getuser()))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-c", str(main), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(https_port, process, folder / "error.log")
        yield Proxy(f"https://{HOST}:{https_port}", f"http://{HOST}:{http_port}", certificate)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _replaced(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each key replaced by its value; each key must occur in it."""
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"{SITE_FILE.name} no longer says {old!r}")
        text = text.replace(old, new)
    return text


def _self_signed(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    while process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx exited with status {process.returncode}: {log.read_text()}")
