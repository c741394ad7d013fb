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


#: Each anchor frame is stored in this many bytes, little-endian: 2**24 frames are 108 hours
#: at the default hop, far beyond ``EngineConfig.max_index_seconds``.
FRAME_BYTES = 3
MAX_FRAME = (1 << (8 * FRAME_BYTES)) - 1


class FingerprintStore:
    """Adds, finds and deletes songs' hashes in the database ``alias``.

    A row of ``song_hash`` holds one hash of one song with every frame the song has it at,
    packed in a blob (``pack_frames``): songs repeat their hashes, so grouped rows take fewer
    bytes per (hash, frame) pair than a row for each pair (see docs/tuning.md#store-layout).
    """

    def __init__(self, *, alias: str) -> None:
        self.alias = alias

    def add(self, song_id: int, hashes: Hashes) -> int:
        """Store ``hashes`` as song ``song_id``'s, replacing any it had, in one transaction.

        Returns the number of distinct (hash, frame) pairs stored.
        """
        pairs = np.unique(
            np.stack([hashes.values.astype(np.int64), hashes.frames.astype(np.int64)], axis=1),
            axis=0,
        )
        if len(pairs) and not 0 <= pairs[:, 1].min() <= pairs[:, 1].max() <= MAX_FRAME:
            raise ValueError(f"anchor frames must lie in 0..{MAX_FRAME} to be stored")
        values, frames = _frames_by_hash(pairs)
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            self._delete_rows(cursor, song_id)
            cursor.executemany(
                "INSERT INTO song_hash (hash, song_id, frames) VALUES (%s, %s, %s)",
                [(value, song_id, packed) for value, packed in zip(values.tolist(), frames)],
            )
            cursor.execute(
                "INSERT INTO fingerprinted_song (song_id, hash_count, hash_set) "
                "VALUES (%s, %s, %s)",
                [song_id, len(pairs), _encode_hash_set(values)],
            )
        return len(pairs)

    def delete(self, song_ids: Iterable[int]) -> int:
        """Remove the songs' hashes; returns how many (hash, frame) pairs went. Unknown ids are
        ignored."""
        removed = 0
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            for song_id in song_ids:
                removed += self._delete_rows(cursor, song_id)
        return removed

    def lookup(self, hash_values: np.ndarray) -> Lookup:
        """Every stored occurrence of the hashes among ``hash_values``, in one SQL statement.

        The distinct hashes travel as one JSON array; SQLite plans ``IN (SELECT … json_each)``
        as one primary-key seek per hash. The rows come back as comma-separated lists and one
        hex string of all their frames (every aggregate sees the rows in the same order), which
        is faster than fetching them as rows (see docs/tuning.md#lookup).
        """
        wanted = json.dumps(np.unique(hash_values).tolist())
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT group_concat(hash), group_concat(song_id), group_concat(length(frames)), "
                "group_concat(hex(frames), '') FROM song_hash "
                "WHERE hash IN (SELECT value FROM json_each(%s))",
                [wanted],
            )
            hash_text, song_text, length_text, frames_hex = cursor.fetchone()
        counts = _integers(length_text) // FRAME_BYTES
        frames = unpack_frames(bytes.fromhex(frames_hex or ""))
        return Lookup(
            np.repeat(_integers(hash_text), counts), np.repeat(_integers(song_text), counts), frames
        )

    def compact(self) -> None:
        """Rewrite the database with its pages full and empty the write-ahead log.

        Songs added one by one land all over the hash-ordered B-tree and split its pages,
        leaving part of the file unused (see docs/tuning.md#store-layout). Rewriting takes
        about as long as reading the file once; it cannot run inside a transaction.
        """
        with self._cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def count(self) -> int:
        """Number of stored fingerprints: (hash, frame) pairs."""
        with self._cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(hash_count), 0) FROM fingerprinted_song")
            return int(cursor.fetchone()[0])

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
        cursor.executemany(
            "DELETE FROM song_hash WHERE hash = %s AND song_id = %s",
            [(value, song_id) for value in _decode_hash_set(bytes(blob)).tolist()],
        )
        cursor.execute("DELETE FROM fingerprinted_song WHERE song_id = %s", [song_id])
        return int(count)


def _frames_by_hash(pairs: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """The distinct hashes of sorted (hash, frame) ``pairs`` and each one's packed frames."""
    values, starts = np.unique(pairs[:, 0], return_index=True)
    packed = pack_frames(pairs[:, 1])
    bounds = (FRAME_BYTES * np.append(starts, len(pairs))).tolist()
    return values, [packed[start:end] for start, end in zip(bounds[:-1], bounds[1:])]


def pack_frames(frames: np.ndarray) -> bytes:
    """Frames in 0..``MAX_FRAME`` as ``FRAME_BYTES`` little-endian bytes each."""
    little = frames.astype("<u4").view(np.uint8).reshape(-1, 4)
    return little[:, :FRAME_BYTES].tobytes()


def unpack_frames(packed: bytes) -> np.ndarray:
    """The int64 frames of ``pack_frames``."""
    little = np.zeros((len(packed) // FRAME_BYTES, 4), np.uint8)
    little[:, :FRAME_BYTES] = np.frombuffer(packed, np.uint8).reshape(-1, FRAME_BYTES)
    return little.view("<u4").ravel().astype(np.int64)


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
