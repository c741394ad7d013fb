"""The fingerprint store: the only code that speaks SQL to the fingerprint database."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper

from .hashes import Hashes


@dataclass(frozen=True)
class Lookup:
    """Every stored occurrence of the hashes looked up, as parallel int64 arrays."""

    hashes: np.ndarray
    song_ids: np.ndarray
    frames: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


class FingerprintStore:
    """Adds, finds and deletes songs' hashes in the database ``alias``.

    ``song_time_bits`` is how many low bits of the stored ``song_time`` hold the anchor frame.
    """

    def __init__(self, *, alias: str, song_time_bits: int) -> None:
        self.alias = alias
        self.song_time_bits = song_time_bits

    def add(self, song_id: int, hashes: Hashes) -> int:
        """Store ``hashes`` as song ``song_id``'s, replacing any it had, in one transaction.

        Returns the number of distinct (hash, frame) rows stored.
        """
        keys = (np.int64(song_id) << self.song_time_bits) | hashes.frames.astype(np.int64)
        rows = np.unique(np.stack([hashes.values.astype(np.int64), keys], axis=1), axis=0)
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            self._delete_rows(cursor, song_id)
            cursor.executemany(
                "INSERT INTO fingerprint (hash, song_time) VALUES (%s, %s)", rows.tolist()
            )
            cursor.execute(
                "INSERT INTO fingerprinted_song (song_id, hash_count, hash_set) "
                "VALUES (%s, %s, %s)",
                [song_id, len(rows), _encode_hash_set(rows[:, 0])],
            )
        return len(rows)

    def delete(self, song_ids: Iterable[int]) -> int:
        """Remove the songs' hashes; returns how many rows went. Unknown ids are ignored."""
        removed = 0
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            for song_id in song_ids:
                removed += self._delete_rows(cursor, song_id)
        return removed

    def lookup(self, hash_values: np.ndarray) -> Lookup:
        """All stored rows whose hash is among ``hash_values``, in one SQL statement.

        The distinct hashes travel as one JSON array; SQLite plans ``IN (SELECT … json_each)``
        as one primary-key seek per hash. The rows come back as two comma-separated lists
        (both aggregates see the rows in the same order): half the time of fetching them as
        rows, 3.0 against 5.9 ms for the 12,000 rows of a 5 s clip.
        """
        wanted = json.dumps(np.unique(hash_values).tolist())
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT group_concat(hash), group_concat(song_time) FROM fingerprint "
                "WHERE hash IN (SELECT value FROM json_each(%s))",
                [wanted],
            )
            hashes, song_times = (_integers(text) for text in cursor.fetchone())
        frame_mask = (1 << self.song_time_bits) - 1
        return Lookup(hashes, song_times >> self.song_time_bits, song_times & frame_mask)

    def compact(self) -> None:
        """Rewrite the database with its pages full and empty the write-ahead log.

        Songs added one by one land all over the hash-ordered B-tree and split its pages:
        after indexing 58 tracks, 10 % of the file was unused space. Rewriting takes about as
        long as reading the file once; it cannot run inside a transaction.
        """
        with self._cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def count(self) -> int:
        """Number of stored fingerprints (rows)."""
        with self._cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(hash_count), 0) FROM fingerprinted_song")
            return int(cursor.fetchone()[0])

    def song_ids(self) -> set[int]:
        """Ids of the songs that have fingerprints."""
        with self._cursor() as cursor:
            cursor.execute("SELECT song_id FROM fingerprinted_song")
            return {row[0] for row in cursor.fetchall()}

    def _cursor(self) -> CursorWrapper:
        return connections[self.alias].cursor()

    def _delete_rows(self, cursor: CursorWrapper, song_id: int) -> int:
        cursor.execute(
            "SELECT hash_count, hash_set FROM fingerprinted_song WHERE song_id = %s", [song_id]
        )
        found = cursor.fetchone()
        if found is None:
            return 0
        count, blob = found
        low = song_id << self.song_time_bits
        high = low | ((1 << self.song_time_bits) - 1)
        cursor.executemany(
            "DELETE FROM fingerprint WHERE hash = %s AND song_time BETWEEN %s AND %s",
            [(value, low, high) for value in _decode_hash_set(bytes(blob)).tolist()],
        )
        cursor.execute("DELETE FROM fingerprinted_song WHERE song_id = %s", [song_id])
        return int(count)


def _encode_hash_set(hash_values: np.ndarray) -> bytes:
    distinct = np.unique(hash_values)
    return zlib.compress(np.diff(distinct, prepend=0).astype("<u4").tobytes())


def _decode_hash_set(blob: bytes) -> np.ndarray:
    return np.cumsum(np.frombuffer(zlib.decompress(blob), dtype="<u4").astype(np.int64))


def _integers(text: str | None) -> np.ndarray:
    """The int64 array of a comma-separated list; SQLite's ``group_concat`` of no rows is NULL."""
    if text is None:
        return np.zeros(0, np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")
