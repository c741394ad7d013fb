"""Data directories for commands run in processes of their own, each with a fingerprint store
of its own: the directory's SQLite file or, on the suite's PostgreSQL run
(``KAZOOM_FINGERPRINTS_URL`` set), a database of its own on that server."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from .commands import run_manage, started_manage


@dataclass(frozen=True)
class DataDir:
    path: Path
    #: The PostgreSQL database its fingerprints live in, if they do not live in its file.
    database: str | None = None

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """``manage.py args`` in a fresh process on this data directory."""
        return run_manage(*args, data_dir=self.path, **self._fingerprints_env(), **env)

    def started(self, *args: str) -> subprocess.Popen[str]:
        """``manage.py args`` started in a process of its own on this data directory."""
        return started_manage(*args, data_dir=self.path, env=self._fingerprints_env())

    def _fingerprints_env(self) -> dict[str, str]:
        if self.database is None:
            return {}
        return {"KAZOOM_FINGERPRINTS_URL": _url_of(self.database)}


def migrated(path: Path) -> DataDir:
    """A new data directory at ``path`` with both databases migrated."""
    data = DataDir(path, _create_database() if _server_url() else None)
    for args in (["migrate"], ["migrate", "--database", "fingerprints"]):
        run = data.manage(*args, "--verbosity", "0")
        assert run.returncode == 0, run.stderr
    return data


def copied(source: DataDir, path: Path) -> DataDir:
    """A copy of ``source`` at ``path``, its databases included (``source`` must be idle)."""
    shutil.copytree(source.path, path)
    if source.database is None:
        return DataDir(path)
    return DataDir(path, _create_database(template=source.database))


def removed(data: DataDir) -> None:
    """Drop ``data``'s PostgreSQL database, if it has one; its folder goes with pytest's."""
    if data.database is not None:
        with _server() as server:
            server.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(data.database))
            )


def _server_url() -> str | None:
    return os.environ.get("KAZOOM_FINGERPRINTS_URL", "").strip() or None


def _url_of(database: str) -> str:
    url = _server_url()
    assert url is not None
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def _server() -> psycopg.Connection:
    url = _server_url()
    assert url is not None
    return psycopg.connect(url, autocommit=True)


def _create_database(template: str | None = None) -> str:
    name = f"kazoom_{uuid.uuid4().hex[:12]}"
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _server() as server:
        server.execute(statement)
    return name
