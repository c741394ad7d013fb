"""``manage.py check_store [--repair]``: do the catalog and the fingerprint store agree?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.indexing import Indexer
from catalog.integrity import check, repair
from catalog.models import Song


class Command(BaseCommand):
    help = (
        "Check both databases: their pages, fingerprints of songs the catalog does not have, "
        "indexed songs without fingerprints or with others than the catalog recorded, counts "
        "that disagree and commits left half done. With --repair, put right what can be "
        "(finish or roll back interrupted commits, drop fingerprints of no song, fingerprint "
        "songs again from their files) and say what cannot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="put right what can be")

    def handle(self, *args: Any, **options: Any) -> None:
        indexer = Indexer.from_settings()
        findings = check(indexer.store)
        for finding in findings:
            self.stdout.write(f"found: {finding.message}")
        if options["repair"] and findings:
            for line in repair(indexer):
                self.stdout.write(line)
            findings = check(indexer.store)
            for finding in findings:
                self.stdout.write(f"still: {finding.message}")
        if findings:
            raise CommandError(f"{len(findings)} problem(s) left")
        songs = Song.objects.count()
        self.stdout.write(
            f"the catalog and the fingerprint store agree: {songs:,} song(s), "
            f"{indexer.store.count():,} fingerprints"
        )
