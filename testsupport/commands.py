"""Running management commands in tests the way a person's shell would see them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from catalog.models import Album, Artist, Song


@dataclass(frozen=True)
class CommandRun:
    exit_code: int
    stdout: str
    stderr: str


def run_command(name: str, *args: str) -> CommandRun:
    """Run ``manage.py name args``; a CommandError counts as exit status 1, as on the shell."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        return CommandRun(1, out.getvalue(), err.getvalue())
    return CommandRun(0, out.getvalue(), err.getvalue())


REPO = Path(__file__).resolve().parent.parent


def run_manage(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py args`` in a fresh process with its own data directory and ``env``, its
    fingerprints there too unless ``env`` says otherwise (the suite's PostgreSQL test database
    is never migrated or written from outside)."""
    inherited = {k: v for k, v in os.environ.items() if k != "KAZOOM_FINGERPRINTS_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**inherited, "KAZOOM_DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def database_snapshot() -> dict[str, object]:
    """Everything both databases hold that indexing could change."""
    with connections["fingerprints"].cursor() as cursor:
        cursor.execute("SELECT hash, song_id, frames FROM song_hash ORDER BY hash, song_id")
        fingerprints = cursor.fetchall()
        cursor.execute("SELECT song_id, hash_count FROM fingerprinted_song ORDER BY song_id")
        fingerprinted = cursor.fetchall()
    return {
        "songs": list(Song.objects.values_list("pk", "title", "fingerprint_count", "indexed_at")),
        "artists": list(Artist.objects.values_list("pk", "name")),
        "albums": list(Album.objects.values_list("pk", "title")),
        "fingerprints": fingerprints,
        "fingerprinted": fingerprinted,
    }
