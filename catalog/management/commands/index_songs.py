"""``manage.py index_songs PATH [PATH ...]``: fingerprint audio files into the catalog."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from tqdm import tqdm

from catalog.indexing import FileReport, Indexer, Status
from catalog.models import Song


class Command(BaseCommand):
    help = (
        "Index audio files, or folders of them (recursively), into the catalog. Title, artist "
        "and album come from the tags, else from the file name."
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
        indexer = Indexer.from_settings()
        started = time.perf_counter()
        if options["song_id"] is not None:
            reports = [self._index_into_song(indexer, options["song_id"], options["paths"])]
        else:
            reports = self._index_all(indexer, options)
        self._summarise(reports, time.perf_counter() - started)

    def _index_into_song(self, indexer: Indexer, song_id: int, paths: list[Path]) -> FileReport:
        if len(paths) != 1:
            raise CommandError("--song-id takes exactly one file")
        song = Song.objects.filter(pk=song_id).first()
        if song is None:
            raise CommandError(f"there is no song with id {song_id}")
        report = indexer.index_into(song, paths[0])
        self._report(report)
        return report

    def _index_all(self, indexer: Indexer, options: dict[str, Any]) -> list[FileReport]:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        plan = indexer.plan(options["paths"], reindex=options["reindex"])
        for report in plan.settled:
            self._report(report)
        reports = list(plan.settled)
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
                reports.append(report)
        return reports

    def _report(self, report: FileReport) -> None:
        if report.status is Status.FAILED:
            self.stderr.write(f"error: {report.path}: {report.message}")
        elif report.message:
            self.stdout.write(f"{report.status.value}: {report.path}: {report.message}")
        else:
            self.stdout.write(f"{report.status.value}: {report.path}")

    def _summarise(self, reports: list[FileReport], seconds: float) -> None:
        indexed = [r for r in reports if r.status is Status.INDEXED]
        skipped = sum(r.status is Status.SKIPPED for r in reports)
        failed = sum(r.status is Status.FAILED for r in reports)
        audio_seconds = sum(r.duration_seconds for r in indexed)
        fingerprints = sum(r.fingerprints for r in indexed)
        speed = audio_seconds / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"{len(indexed)} song(s) indexed, {audio_seconds / 3600:.2f} h of audio, "
            f"{fingerprints:,} fingerprints in {seconds:.1f} s ({speed:.0f}× real time); "
            f"{skipped} skipped, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} file(s) could not be indexed")


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
