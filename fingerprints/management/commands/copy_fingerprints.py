"""``manage.py copy_fingerprints SQLITE_PATH``: fill the configured fingerprint store from a
SQLite fingerprint database, such as a library's ``fingerprints.sqlite3`` on its way to
PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from fingerprints.sqlite_store import FingerprintFile
from fingerprints.store import StoreNotEmpty
from fingerprints.wiring import fingerprint_store


class Command(BaseCommand):
    help = (
        "Copy every song's fingerprints from a SQLite fingerprint database into the store the "
        "settings name (PostgreSQL when KAZOOM_FINGERPRINTS_URL is set), which must hold no "
        "song yet: all of them in one transaction, or none. The catalog stays where it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="SQLITE_PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        store = fingerprint_store()
        connection = connections[store.alias]
        target = f"{connection.display_name} database {connection.settings_dict['NAME']}"
        started = time.perf_counter()
        try:
            with FingerprintFile(options["source"]) as source:
                songs, fingerprints, rows = source.totals()
                self.stdout.write(f"copying {songs:,} song(s) from {source.path} into {target}")
                store.load(source.fingerprinted_songs(), source.song_hashes())
        except (OSError, ValueError, StoreNotEmpty) as error:
            raise CommandError(str(error)) from None
        store.compact()
        self.stdout.write(
            f"{songs:,} song(s) copied, {fingerprints:,} fingerprints in {rows:,} song_hash "
            f"rows, in {time.perf_counter() - started:.1f} s"
        )
