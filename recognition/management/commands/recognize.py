"""``manage.py recognize FILE [FILE ...] [--json]``: name the song in each clip."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import reset_queries

from catalog.timecodes import place_in_song
from fingerprints.wiring import engine_config, fingerprint_store
from recognition.presenters import recognition_json
from recognition.refusals import report_refusal
from recognition.services import Recognition, recognize


class Command(BaseCommand):
    help = "Recognise the song in each audio file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        config = engine_config()
        store = fingerprint_store()
        failed = 0
        for path in options["files"]:
            reset_queries()  # each clip is a request's worth of SQL for DEBUG's query log
            started = time.perf_counter()
            try:
                result = recognize(path, store=store, config=config)
            except Exception as error:  # one clip's failure must not stop the others
                failed += 1
                elapsed_ms = (time.perf_counter() - started) * 1000
                report_refusal(
                    error,
                    path,
                    elapsed_ms,
                    stdout=self.stdout,
                    stderr=self.stderr,
                    as_json=options["json"],
                )
                continue
            if options["json"]:
                line = json.dumps({"path": str(path), **recognition_json(result, with_paths=True)})
            else:
                line = f"{path}: {_describe(result)}"
            self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} file(s) could not be recognised")


def _describe(result: Recognition) -> str:
    timing = f"[{result.elapsed_ms:.0f} ms]"
    if result.match is None:
        return f"no match {timing}"
    song = result.match.song
    album = f" ({song.album.title})" if song.album else ""
    position = place_in_song(result.match.offset_seconds)
    return (
        f"{song.title} — {song.artist.name}{album} at {position}, "
        f"confidence {result.match.confidence:.2f}, "
        f"{result.match.aligned_matches} aligned matches {timing}"
    )
