"""``manage.py timeline FILE [FILE ...] [--json]``: which songs played when in each recording."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from tqdm import tqdm

from catalog.timecodes import clock, hms
from fingerprints.wiring import engine_config, fingerprint_store
from recognition.refusals import report_refusal
from recognition.services import Timeline
from recognition.timeline import Window
from recognition.timeline_files import timeline_of_file
from recognition.timeline_gaps import with_gaps

#: Recordings at least this long (seconds, as declared) get a progress bar.
PROGRESS_FROM_SECONDS = 120.0


class Command(BaseCommand):
    help = "List the songs each recording plays, from when to when, and the gaps between."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--json", action="store_true", help="one JSON object per file")

    def handle(self, *args: Any, **options: Any) -> None:
        config = engine_config()
        store = fingerprint_store()
        failed = 0
        for path in options["files"]:
            with _ProgressBar(path, self.stderr) as bar:
                done = timeline_of_file(
                    path, str(path), store=store, config=config, on_progress=bar.update
                )
            if done.error is not None:
                failed += 1
                report_refusal(
                    done.error,
                    path,
                    done.body["elapsed_ms"],
                    stdout=self.stdout,
                    stderr=self.stderr,
                    as_json=options["json"],
                )
            elif options["json"]:
                self.stdout.write(json.dumps(done.body))
            elif done.timeline is not None:
                self.stdout.write("\n".join(_lines(path, done.timeline)))
        if failed:
            raise CommandError(f"{failed} file(s) could not be read")


def _lines(path: Path, timeline: Timeline) -> list[str]:
    """The recording's name and length, then a line per segment and per gap between them."""
    lines = [f"{path} ({hms(timeline.duration_seconds)}, {timeline.elapsed_ms / 1000:.1f} s):"]
    spans = [(s.segment.from_seconds, s.segment.to_seconds) for s in timeline.segments]
    for from_seconds, to_seconds, index in with_gaps(spans, timeline.duration_seconds):
        span = f"{hms(from_seconds)}–{hms(to_seconds)}"
        if index is None:
            lines.append(f"{span}  (nothing known)")
            continue
        segment, song = timeline.segments[index].segment, timeline.segments[index].song
        speed = f", speed {segment.speed:.2f}" if segment.speed != 1.0 else ""
        lines.append(
            f"{span}  {song.title} — {song.artist.name}  (song "
            f"{clock(segment.song_from_seconds)}–{clock(segment.song_to_seconds)}, "
            f"confidence {segment.confidence:.2f}{speed})"
        )
    return lines


class _ProgressBar:
    """A tqdm bar on stderr, in seconds of the recording, once it is known to be long."""

    def __init__(self, path: Path, stream: OutputWrapper) -> None:
        self._path = path
        self._stream = _Unterminated(stream)
        self._bar: tqdm[Any] | None = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def update(
        self, done_seconds: float, declared_seconds: float | None, windows: Sequence[Window]
    ) -> None:
        if self._bar is None:
            if (declared_seconds or 0.0) < PROGRESS_FROM_SECONDS:
                return
            self._bar = tqdm(
                total=round(declared_seconds or 0.0),
                unit="s",
                desc=self._path.name,
                file=self._stream,
                leave=False,
            )
        self._bar.update(round(done_seconds) - self._bar.n)


class _Unterminated:
    """A command's output stream that writes what it is given as it is: tqdm redraws its bar
    with a carriage return, which a line ending after each write would defeat."""

    def __init__(self, stream: OutputWrapper) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        self._stream.write(text, ending="")

    def flush(self) -> None:
        self._stream.flush()
