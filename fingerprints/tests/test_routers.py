from __future__ import annotations

import pytest
from django.db import connections
from django.db.models import Model

from catalog.models import Artist, Song
from fingerprints.models import FingerprintedSong, SongHash
from fingerprints.routers import FingerprintRouter
from fingerprints.store import STORE_TABLES
from testsupport.library import BOTH_DATABASES

router = FingerprintRouter()


@pytest.mark.parametrize(
    ("model", "database"),
    [(SongHash, "fingerprints"), (FingerprintedSong, "fingerprints"), (Song, None)],
)
def test_reads_and_writes_go_to_the_app_database(model: type[Model], database: str | None) -> None:
    assert router.db_for_read(model) == database
    assert router.db_for_write(model) == database


@pytest.mark.parametrize(
    ("first", "second", "allowed"),
    [
        (FingerprintedSong(song_id=1), Song(), False),
        (Song(), FingerprintedSong(song_id=1), False),
        (FingerprintedSong(song_id=1), FingerprintedSong(song_id=2), None),
        (Song(), Artist(), None),
    ],
)
def test_no_relations_across_the_databases(
    first: Model, second: Model, allowed: bool | None
) -> None:
    assert router.allow_relation(first, second) is allowed


@pytest.mark.parametrize(
    ("database", "app_label", "allowed"),
    [
        ("fingerprints", "fingerprints", True),
        ("default", "fingerprints", False),
        ("default", "catalog", True),
        ("fingerprints", "catalog", False),
        ("fingerprints", "auth", False),
    ],
)
def test_allow_migrate(database: str, app_label: str, allowed: bool) -> None:
    assert router.allow_migrate(database, app_label) is allowed


FINGERPRINT_TABLES = set(STORE_TABLES)


def table_names(alias: str) -> set[str]:
    """The app tables of a database, without Django's bookkeeping."""
    return set(connections[alias].introspection.table_names()) - {"django_migrations"}


@pytest.mark.django_db(databases=BOTH_DATABASES)
def test_each_table_is_migrated_into_its_own_database_only() -> None:
    fingerprint_tables, default_tables = table_names("fingerprints"), table_names("default")

    assert fingerprint_tables == FINGERPRINT_TABLES
    assert FINGERPRINT_TABLES.isdisjoint(default_tables)
    assert "catalog_song" in default_tables
    assert "catalog_song" not in fingerprint_tables
