"""Running management commands in tests the way a person's shell would see them."""

from __future__ import annotations

import io
from dataclasses import dataclass

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


def page_count(alias: str) -> int:
    """Pages in database ``alias``: its size, whether or not it lives in a file."""
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        return int(cursor.fetchone()[0])
