"""``manage.py find_duplicates [--json]``: pairs of catalog songs that share audio."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from catalog.models import Song, range_text
from catalog.storage_errors import describe
from fingerprints.wiring import engine_config, fingerprint_store
from recognition.duplicate_search import Search, SongPair, range_json, search_catalog

from .timeline import _Unterminated


class Command(BaseCommand):
    help = (
        "List the pairs of catalog songs that share audio (copies, edits, excerpts, medleys), "
        "with the ranges they share, and keep them for the admin's Duplicates page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = tqdm(
            unit=" song",
            desc="searching",
            file=_Unterminated(self.stderr),
            disable=None,  # no bar where stderr is not a terminal
            leave=False,
        )
        with bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                search = search_catalog(fingerprint_store(), engine_config(), on_progress=advance)
            except DatabaseError as error:
                # Nothing was recorded: the last search stays the admin's.
                raise CommandError(f"a database could not be used ({describe(error)})") from None
        if options["json"]:
            self.stdout.write(json.dumps(search_json(search)))
            return
        for pair in search.pairs:
            self.stdout.write("\n".join(_lines(pair)))
        self.stdout.write(
            f"{len(search.pairs)} pair(s) of songs share audio, among {search.songs_searched} "
            f"song(s) searched in {search.elapsed_seconds:.1f} s; the admin's Duplicates page "
            "lists them"
        )


def search_json(search: Search) -> dict[str, Any]:
    """The JSON the command prints: see the README's ``find_duplicates``."""
    return {
        "songs_searched": search.songs_searched,
        "pairs": [
            {
                "song_a": _song_json(pair.song_a),
                "song_b": _song_json(pair.song_b),
                "speed": round(pair.shared.speed, 4),
                "strength": round(pair.shared.strength, 3),
                "shared_seconds": round(pair.shared.shared_seconds, 2),
                "ranges": [range_json(r) for r in pair.shared.ranges],
            }
            for pair in search.pairs
        ],
        "elapsed_ms": round(search.elapsed_seconds * 1000, 1),
    }


def _song_json(song: Song) -> dict[str, Any]:
    return {"id": song.pk, "title": song.title, "artist": song.artist.name}


def _lines(pair: SongPair) -> list[str]:
    """The pair's songs, strength and speed, then a line per range they share."""
    shared = pair.shared
    speed = f", B plays A {shared.speed:.2f}× as fast" if shared.speed != 1.0 else ""
    head = (
        f"A: song {pair.song_a.pk} ({pair.song_a})  B: song {pair.song_b.pk} ({pair.song_b})  "
        f"strength {shared.strength:.2f}{speed}"
    )
    return [head, *(f"  {range_text(range_json(r))}" for r in shared.ranges)]
