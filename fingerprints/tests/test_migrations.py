"""Migration 0002 regroups the fingerprints of 0001's layout without losing one."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import numpy as np
import pytest
from django.db import connections

from conftest import BOTH_DATABASES
from fingerprints.store import FingerprintStore

first = importlib.import_module("fingerprints.migrations.0001_initial")
regrouping = importlib.import_module("fingerprints.migrations.0002_fingerprint_frames_per_song")

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES)

#: (hash, song id, frame) as 0001 stored them.
OLD_ROWS = [(100, 7, 0), (100, 7, 5), (100, 8, 9), (200, 7, (1 << 20) + 3), (300, 9, 2)]


@pytest.mark.parametrize("batch_rows", [1, 2, 100_000])
def test_first_layout_rows_are_all_found_after_regrouping(
    store: FingerprintStore, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    monkeypatch.setattr(regrouping, "BATCH_ROWS", batch_rows)
    connection = connections["fingerprints"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE fingerprint")
        cursor.execute(first.CREATE_FINGERPRINT)
        cursor.executemany(
            "INSERT INTO fingerprint VALUES (%s, %s)",
            [(value, song << 21 | frame) for value, song, frame in OLD_ROWS],
        )

    regrouping.regroup(None, SimpleNamespace(connection=connection))

    found = store.lookup(np.array([100, 200, 300]))
    assert sorted(zip(found.hashes.tolist(), found.song_ids.tolist(), found.frames.tolist())) == (
        OLD_ROWS
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM fingerprint")
        assert cursor.fetchone()[0] == 4
