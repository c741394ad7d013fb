"""``manage.py index_songs PATH [PATH ...]``: fingerprint audio files into the catalog."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from catalog.indexing import Indexer, Outcome, Status
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
            outcomes = [self._index_into_song(indexer, options["song_id"], options["paths"])]
        else:
            outcomes = self._index_all(indexer, options)
        self._summarise(outcomes, time.perf_counter() - started)

    def _index_into_song(self, indexer: Indexer, song_id: int, paths: list[Path]) -> Outcome:
        if len(paths) != 1:
            raise CommandError("--song-id takes exactly one file")
        song = Song.objects.filter(pk=song_id).first()
        if song is None:
            raise CommandError(f"there is no song with id {song_id}")
        outcome = indexer.index_into(song, paths[0])
        self._report(outcome)
        return outcome

    def _index_all(self, indexer: Indexer, options: dict[str, Any]) -> list[Outcome]:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        plan = indexer.plan(options["paths"], reindex=options["reindex"])
        for outcome in plan.settled:
            self._report(outcome)
        outcomes = list(plan.settled)
        results = indexer.run(plan, workers=options["workers"])
        # tqdm draws on the raw stream: Django's OutputWrapper would end each redraw with a newline.
        bar = tqdm(
            results,
            total=len(plan.to_index),
            desc="indexing",
            unit=" file",
            file=self.stderr._out,
            disable=None,
        )
        with bar:
            for outcome in bar:
                self._report(outcome)
                outcomes.append(outcome)
        return outcomes

    def _report(self, outcome: Outcome) -> None:
        if outcome.status is Status.FAILED:
            tqdm.write(f"error: {outcome.path}: {outcome.message}", file=self.stderr._out)
        elif outcome.message:
            tqdm.write(
                f"{outcome.status.value}: {outcome.path}: {outcome.message}", file=self.stdout._out
            )
        else:
            tqdm.write(f"{outcome.status.value}: {outcome.path}", file=self.stdout._out)

    def _summarise(self, outcomes: list[Outcome], seconds: float) -> None:
        indexed = [o for o in outcomes if o.status is Status.INDEXED]
        skipped = sum(o.status is Status.SKIPPED for o in outcomes)
        failed = sum(o.status is Status.FAILED for o in outcomes)
        audio_seconds = sum(o.duration_seconds for o in indexed)
        fingerprints = sum(o.fingerprints for o in indexed)
        speed = audio_seconds / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"{len(indexed)} song(s) indexed, {audio_seconds / 3600:.2f} h of audio, "
            f"{fingerprints:,} fingerprints in {seconds:.1f} s ({speed:.0f}× real time); "
            f"{skipped} skipped, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} file(s) could not be indexed")
