"""``manage.py index_songs PATH [PATH ...]``: fingerprint audio files into the catalog."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import DatabaseError
from tqdm import tqdm

from catalog.indexing import DiskFull, FileReport, Indexer, Status
from catalog.models import Song
from catalog.storage_errors import describe
from recognition.duplicate_search import shared_audio_notes


class Command(BaseCommand):
    help = (
        "Index audio files, or folders of them (recursively), into the catalog. Title, artist, "
        "album and album artist come from the tags, else from the file name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--reindex", action="store_true", help="fingerprint files already indexed again"
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="processes that fingerprint in parallel"
        )
        parser.add_argument(
            "--song-id",
            type=int,
            help="fingerprint one file for this existing Song, replacing its fingerprints",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indexer = Indexer.from_settings(shared_audio=shared_audio_notes)
        settled = indexer.settle()
        if settled:
            self.stdout.write(f"settled: {settled}")
        started = time.perf_counter()
        totals = _Totals()
        try:
            if options["song_id"] is not None:
                totals.add(self._index_into_song(indexer, options["song_id"], options["paths"]))
            else:
                self._index_all(indexer, options, totals)
        except DiskFull as full:
            self._report(full.report)
            totals.add(full.report)
            self.stderr.write("stopped: the disk is full; the files after it were not tried")
            totals.stopped = True
        except DatabaseError as error:
            self.stderr.write(f"stopped: a database could not be used ({describe(error)})")
            totals.stopped = True
        self._summarise(totals, time.perf_counter() - started)

    def _index_into_song(self, indexer: Indexer, song_id: int, paths: list[Path]) -> FileReport:
        if len(paths) != 1:
            raise CommandError("--song-id takes exactly one file")
        song = Song.objects.filter(pk=song_id).first()
        if song is None:
            raise CommandError(f"there is no song with id {song_id}")
        report = indexer.index_into(song, paths[0])
        self._report(report)
        return report

    def _index_all(self, indexer: Indexer, options: dict[str, Any], totals: _Totals) -> None:
        """Index every file found, counting each report in ``totals`` and keeping none: memory
        stays flat however many files there are."""
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        plan = indexer.plan(options["paths"], reindex=options["reindex"])
        for report in plan.settled:
            self._report(report)
            totals.add(report)
        results = indexer.run(plan, workers=options["workers"])
        bar = tqdm(
            results,
            total=len(plan.to_index),
            desc="indexing",
            unit=" file",
            file=_AsWritten(self.stderr),
            disable=None,  # no bar where stderr is not a terminal
        )
        with bar:
            for report in bar:
                bar.clear()  # each file's line goes above the bar, which is drawn again below it
                self._report(report)
                bar.refresh()
                totals.add(report)

    def _report(self, report: FileReport) -> None:
        if report.status is Status.FAILED:
            self.stderr.write(f"error: {report.path}: {report.message}")
        elif report.message:
            self.stdout.write(f"{report.status.value}: {report.path}: {report.message}")
        else:
            self.stdout.write(f"{report.status.value}: {report.path}")
        for note in report.shared:
            self.stdout.write(f"  {note}; indexed all the same")

    def _summarise(self, totals: _Totals, seconds: float) -> None:
        speed = totals.audio_seconds / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"{totals.files[Status.INDEXED]} song(s) indexed, "
            f"{totals.audio_seconds / 3600:.2f} h of audio, "
            f"{totals.fingerprints:,} fingerprints in {seconds:.1f} s ({speed:.0f}× real time); "
            f"{totals.files[Status.SKIPPED]} skipped, {totals.files[Status.FAILED]} failed"
            + (f"; {totals.sharing} hold audio other songs hold" if totals.sharing else "")
        )
        if totals.stopped:
            raise CommandError("the run stopped before every file was tried")
        if totals.files[Status.FAILED]:
            raise CommandError(f"{totals.files[Status.FAILED]} file(s) could not be indexed")


@dataclass
class _Totals:
    """What the run's summary says: files per status, and the audio and fingerprints of those
    indexed."""

    files: Counter[Status] = field(default_factory=Counter)
    audio_seconds: float = 0.0
    fingerprints: int = 0
    #: Songs indexed whose audio other songs of the catalog hold.
    sharing: int = 0
    #: Whether the run stopped before trying every file (a full disk, a database gone).
    stopped: bool = False

    def add(self, report: FileReport) -> None:
        self.files[report.status] += 1
        if report.status is Status.INDEXED:
            self.audio_seconds += report.duration_seconds
            self.fingerprints += report.fingerprints
            self.sharing += bool(report.shared)


class _AsWritten:
    """A command's output as the file tqdm draws its bar on: each write goes out as it is,
    without the newline (and error colour) that OutputWrapper adds, so the bar redraws in
    place."""

    def __init__(self, output: OutputWrapper) -> None:
        self._output = output

    def write(self, text: str) -> None:
        self._output.write(text, style_func=_unstyled, ending="")

    def flush(self) -> None:
        self._output.flush()

    def isatty(self) -> bool:
        return self._output.isatty()


def _unstyled(text: str) -> str:
    return text
