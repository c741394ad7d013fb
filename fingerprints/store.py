"""The fingerprint store: its interface and what every backend shares.

Each backend's SQL lives in its own module, ``sqlite_store.py`` and ``postgres_store.py``;
``wiring.fingerprint_store`` picks one by the database's vendor. Those three modules are the
only code that speaks SQL to the fingerprint database.
"""

from __future__ import annotations

import secrets
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper

from . import killpoints
from .hashes import Hashes


@dataclass(frozen=True)
class Lookup:
    """Every stored occurrence of the hashes looked up, as parallel int64 arrays."""

    hashes: np.ndarray
    song_ids: np.ndarray
    frames: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def of_rows(
        cls, hashes: np.ndarray, song_ids: np.ndarray, frame_bytes: np.ndarray, packed: bytes
    ) -> Lookup:
        """The occurrences in ``song_hash`` rows given as each row's hash, song and length of
        packed frames in bytes, with all the rows' frames packed end to end in ``packed``."""
        counts = frame_bytes // FRAME_BYTES
        return cls(np.repeat(hashes, counts), np.repeat(song_ids, counts), unpack_frames(packed))

    @classmethod
    def empty(cls) -> Lookup:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


#: Each anchor frame is stored in this many bytes, little-endian: 2**24 frames are 108 hours
#: at the default hop, far beyond ``EngineConfig.max_index_seconds``.
FRAME_BYTES = 3
MAX_FRAME = (1 << (8 * FRAME_BYTES)) - 1

#: The tables of the fingerprint store.
STORE_TABLES = (
    "song_hash",
    "fingerprinted_song",
    "hash_popularity",
    "staged_generation",
    "staged_song_hash",
    "store_state",
)

#: Hashes to find in some songs only, as two arrays: ``FingerprintStore.lookup_in_songs``.
Selection = tuple[np.ndarray, np.ndarray]
#: A row of ``song_hash``: hash, song id, the song's frames of that hash packed.
SongHashRow = tuple[int, int, bytes]
#: A row of ``fingerprinted_song``: song id, its fingerprint count, its encoded hash set and
#: the generation they were promoted from (None for fingerprints older than generations).
FingerprintedSongRow = tuple[int, int, bytes, int | None]
#: Generations are drawn at random below this: no two are ever alike, even in a store
#: emptied and filled again, so a number the catalog recorded never names another song's.
GENERATIONS = 1 << 62


@dataclass(frozen=True)
class Staged:
    """Fingerprints written under ``generation`` and not live yet: the song whose
    fingerprints they will replace (None for a song the catalog has not saved yet) and their
    count of (hash, frame) pairs."""

    generation: int
    song_id: int | None
    fingerprints: int


@dataclass(frozen=True)
class Fingerprinted:
    """A song's live fingerprints: their count and the generation they came from."""

    song_id: int
    fingerprints: int
    generation: int | None


@dataclass(frozen=True)
class Audit:
    """What the store's own tables say of each other: each song's (hash, frame) pairs as
    ``song_hash`` holds them, and how many hashes ``hash_popularity`` counts wrongly (or
    counts though fewer than ``COUNTED_FROM`` songs hold them)."""

    song_fingerprints: dict[int, int]
    miscounted_hashes: int


class StoreNotEmpty(Exception):
    """``load`` fills only a store that holds no song."""


class FingerprintStore(ABC):
    """Adds, finds and deletes songs' hashes in the database ``alias``.

    A row of ``song_hash`` holds one hash of one song with every frame the song has it at,
    packed in a blob (``pack_frames``): songs repeat their hashes, so grouped rows take fewer
    bytes per (hash, frame) pair than a row for each pair (see docs/tuning.md#store-layout).
    ``fingerprinted_song`` holds each song's count and set of distinct hashes, with which a
    delete seeks straight to the song's rows. ``hash_popularity`` counts the songs that hold
    each hash held by at least ``COUNTED_FROM`` songs; every write keeps it in step with
    ``song_hash`` in the same transaction.
    """

    def __init__(self, *, alias: str) -> None:
        self.alias = alias

    def add(self, song_id: int, hashes: Hashes) -> int:
        """Make ``hashes`` song ``song_id``'s live fingerprints at once, replacing any it had:
        ``stage`` and ``promote`` together, for a caller with no catalog to switch between.

        Returns the number of distinct (hash, frame) pairs stored.
        """
        staged = self.stage(hashes, song_id=song_id)
        self.promote(staged.generation, song_id)
        return staged.fingerprints

    def stage(self, hashes: Hashes, *, song_id: int | None = None) -> Staged:
        """Write ``hashes`` under a new generation, in one transaction; lookups do not see
        them until ``promote``. ``song_id`` is the song whose fingerprints they will replace,
        if it has been saved."""
        pairs = hashes.distinct()
        if len(pairs) and not pairs.frames.max() <= MAX_FRAME:
            raise ValueError(f"anchor frames must lie in 0..{MAX_FRAME} to be stored")
        values, frames = _frames_by_hash(pairs)
        generation = secrets.randbelow(GENERATIONS - 1) + 1
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            cursor.execute(
                "INSERT INTO staged_generation (generation, song_id, hash_count, hash_set) "
                "VALUES (%s, %s, %s, %s)",
                [generation, song_id, len(pairs), encode_hash_set(values)],
            )
            self._write_rows(
                cursor,
                "staged_song_hash (generation, hash, frames)",
                [(generation, value, packed) for value, packed in zip(values.tolist(), frames)],
            )
            killpoints.reached("stage-written")
        killpoints.reached("staged")
        return Staged(generation, song_id, len(pairs))

    def promote(self, generation: int, song_id: int) -> bool:
        """Make staged ``generation`` the live fingerprints of song ``song_id``, replacing any
        it had, in one transaction. False, changing nothing, if ``generation`` is no longer
        staged: promoted or discarded already, by this process or another."""
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            # Deleting the row first claims it: a concurrent promotion waits, then finds none.
            cursor.execute(
                "DELETE FROM staged_generation WHERE generation = %s "
                "RETURNING hash_count, hash_set",
                [generation],
            )
            claimed = cursor.fetchall()
            if not claimed:
                return False
            ((count, blob),) = claimed
            self._delete_rows(cursor, song_id)
            cursor.execute(
                "INSERT INTO song_hash (hash, song_id, frames) "
                "SELECT hash, %s, frames FROM staged_song_hash WHERE generation = %s",
                [song_id, generation],
            )
            cursor.execute("DELETE FROM staged_song_hash WHERE generation = %s", [generation])
            self._count_songs(cursor, _decode_hash_set(bytes(blob)), +1)
            self._write_fingerprinted_songs(cursor, [(song_id, count, bytes(blob), generation)])
            self._count_written(cursor, count)
            killpoints.reached("promote-written")
        killpoints.reached("promoted")
        return True

    def discard(self, generation: int) -> None:
        """Drop staged ``generation``, if it is still staged, in one transaction."""
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            cursor.execute("DELETE FROM staged_song_hash WHERE generation = %s", [generation])
            cursor.execute("DELETE FROM staged_generation WHERE generation = %s", [generation])

    def staged(self) -> list[Staged]:
        """Every generation staged and neither promoted nor discarded yet."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT generation, song_id, hash_count FROM staged_generation ORDER BY generation"
            )
            return [Staged(int(g), s if s is None else int(s), int(n)) for g, s, n in cursor]

    def fingerprinted(self) -> dict[int, Fingerprinted]:
        """Every song with live fingerprints, by song id."""
        with self._cursor() as cursor:
            cursor.execute("SELECT song_id, hash_count, generation FROM fingerprinted_song")
            return {
                int(song): Fingerprinted(int(song), int(count), None if g is None else int(g))
                for song, count, g in cursor
            }

    def delete(self, song_ids: Iterable[int]) -> int:
        """Remove the songs' live fingerprints; returns how many (hash, frame) pairs went.
        Unknown ids are ignored."""
        removed = 0
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            for song_id in song_ids:
                removed += self._delete_rows(cursor, song_id)
        return removed

    def compact_if_due(self, share: float) -> bool:
        """``compact`` if the fingerprints promoted since the last compaction are at least
        ``share`` of those stored; whether it did.

        Songs added one by one leave the store's pages part empty: worth a rewrite after a
        bulk load, not after a few songs added to a large library. The count is lowered only
        once the compaction has finished, so one cut short (which leaves the store as it was:
        VACUUM and CLUSTER are transactions) is done by the next call.
        """
        with self._cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(written_since_compaction), 0) FROM store_state")
            written = int(cursor.fetchone()[0])
        if not written or written < share * self.count():
            return False
        killpoints.reached("compacting")
        self.compact()
        killpoints.reached("compacted")
        with self._cursor() as cursor:
            self._count_written(cursor, -written)
        return True

    def load(
        self, songs: Iterable[FingerprintedSongRow], song_hashes: Iterable[SongHashRow]
    ) -> None:
        """Fill an empty store with rows as another store holds them, in one transaction.

        ``song_hashes`` may be any iterable, read once: it is written as it comes. Raises
        StoreNotEmpty, writing nothing, if the store already holds songs.
        """
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            cursor.execute("SELECT count(*) FROM fingerprinted_song")
            held = int(cursor.fetchone()[0])
            if held:
                raise StoreNotEmpty(f"the fingerprint store already holds {held:,} song(s)")
            self._write_fingerprinted_songs(cursor, list(songs))
            self._write_rows(cursor, "song_hash (hash, song_id, frames)", song_hashes)
            cursor.execute(COUNT_SONGS_PER_HASH, [COUNTED_FROM])

    #: SQL of the ``song_hash`` rows (hash, song_id, frames) whose hash is among an array
    #: parameter, and of those whose hash and song are among two: each backend's own.
    ROWS_OF_HASHES: str
    ROWS_OF_HASHES_IN_SONGS: str

    def lookup(self, hash_values: np.ndarray) -> Lookup:
        """Every stored occurrence of the hashes among ``hash_values``, in one SQL statement:
        one primary-key seek per distinct hash."""
        return self._aggregated(self.ROWS_OF_HASHES, [self._array(hash_values)])

    def lookup_in_songs(self, selections: Sequence[Selection]) -> Lookup:
        """Every stored occurrence, for each ``(hash_values, song_ids)`` of ``selections``, of
        the hashes among ``hash_values`` in the songs among ``song_ids``: one primary-key
        seek per (hash, song) of each, all in one SQL statement, the selections' rows joined by
        ``UNION`` (none when every selection is empty). An occurrence that several selections
        ask for is given once."""
        chosen = [(values, songs) for values, songs in selections if len(values) and len(songs)]
        if not chosen:
            return Lookup.empty()
        params = [self._array(array) for selection in chosen for array in selection]
        return self._aggregated(
            " UNION ".join([self.ROWS_OF_HASHES_IN_SONGS] * len(chosen)), params
        )

    @abstractmethod
    def _array(self, values: np.ndarray) -> Any:
        """The distinct ``values`` as this backend's SQL takes an array parameter."""

    @abstractmethod
    def _aggregated(self, rows_sql: str, params: list[Any]) -> Lookup:
        """The occurrences in the ``song_hash`` rows that ``rows_sql`` selects, fetched as a
        few aggregates rather than row by row (see docs/tuning.md#lookup)."""

    def song_hashes(self, song_id: int) -> Hashes:
        """Song ``song_id``'s live fingerprints, its distinct (hash, frame) pairs in hash order;
        none for a song the store does not hold.

        Two statements: the song's hash set from ``fingerprinted_song``, then
        ``lookup_in_songs`` of those hashes in that song alone, a primary-key seek per (hash,
        song), since ``song_hash`` has no index by song.
        """
        with self._cursor() as cursor:
            cursor.execute("SELECT hash_set FROM fingerprinted_song WHERE song_id = %s", [song_id])
            found = cursor.fetchone()
        if found is None:
            return Hashes(np.zeros(0, np.int64), np.zeros(0, np.int32))
        stored = self.lookup_in_songs([(_decode_hash_set(bytes(found[0])), np.array([song_id]))])
        order = np.lexsort((stored.frames, stored.hashes))
        return Hashes(stored.hashes[order], stored.frames[order].astype(np.int32))

    @abstractmethod
    def song_counts(self, hash_values: np.ndarray) -> np.ndarray:
        """How many songs hold each of ``hash_values`` (int64, in their order), in one SQL
        statement: exactly from ``COUNTED_FROM`` songs up, and ``COUNTED_FROM - 1`` for a
        hash fewer songs hold (none, or one)."""

    @abstractmethod
    def compact(self) -> None:
        """Reorganise the store after a bulk write, so that lookups read as few pages as they
        can; it may not run inside a transaction."""

    def count(self) -> int:
        """Number of stored fingerprints: (hash, frame) pairs."""
        with self._cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(hash_count), 0) FROM fingerprinted_song")
            return int(cursor.fetchone()[0])

    @abstractmethod
    def integrity_problems(self) -> list[str] | None:
        """What the database's own check of its pages and indexes finds wrong; None where
        this database offers no such check."""

    def audit(self) -> Audit:
        """Read every row of ``song_hash`` and ``hash_popularity`` once; see ``Audit``."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT song_id, SUM(length(frames)) / %s FROM song_hash GROUP BY song_id",
                [FRAME_BYTES],
            )
            songs = {int(song_id): int(pairs) for song_id, pairs in cursor.fetchall()}
            cursor.execute(
                "SELECT count(*) FROM (SELECT hash, count(*) AS songs FROM song_hash "
                "GROUP BY hash HAVING count(*) >= %s) AS held "
                "FULL OUTER JOIN hash_popularity AS counted ON counted.hash = held.hash "
                "WHERE COALESCE(held.songs, 0) <> COALESCE(counted.songs, 0)",
                [COUNTED_FROM],
            )
            return Audit(songs, int(cursor.fetchone()[0]))

    def purge(self, song_id: int) -> None:
        """Remove every row of song ``song_id``, even those ``fingerprinted_song`` does not
        know of (which takes reading the whole of ``song_hash``)."""
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            self._delete_rows(cursor, song_id)
            cursor.execute("DELETE FROM song_hash WHERE song_id = %s", [song_id])

    def recount_popularity(self) -> None:
        """Count ``hash_popularity`` again from ``song_hash``, in one transaction."""
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            cursor.execute("DELETE FROM hash_popularity")
            cursor.execute(COUNT_SONGS_PER_HASH, [COUNTED_FROM])

    @abstractmethod
    def size_bytes(self) -> int:
        """Bytes the store takes on disk."""

    @abstractmethod
    def _write_rows(
        self, cursor: CursorWrapper, table: str, rows: Iterable[tuple[int, int, bytes]]
    ) -> None:
        """Insert ``rows`` into ``table``, given with its columns (two bigints and a blob:
        ``song_hash (hash, song_id, frames)`` or ``staged_song_hash (generation, hash,
        frames)``), none of whose keys is there yet."""

    @abstractmethod
    def _delete_song_hashes(
        self, cursor: CursorWrapper, song_id: int, hash_values: np.ndarray
    ) -> None:
        """Delete the rows of ``song_hash`` of song ``song_id`` and one of ``hash_values``."""

    @abstractmethod
    def _count_songs(self, cursor: CursorWrapper, hash_values: np.ndarray, change: int) -> None:
        """Count the songs of each of the distinct ``hash_values`` again, once a song that
        holds them has been written (``change`` +1) or deleted (−1) in ``song_hash``: add
        ``change`` to the rows there are, count from ``song_hash`` a hash a song's write
        brought to ``COUNTED_FROM`` songs, and delete the row of a hash left with fewer."""

    def _count_written(self, cursor: CursorWrapper, change: int) -> None:
        """Add ``change`` to the fingerprints written since the last compaction; the one row
        of ``store_state`` is made by the first write."""
        cursor.execute(
            "INSERT INTO store_state (id, written_since_compaction) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET written_since_compaction = "
            "store_state.written_since_compaction + excluded.written_since_compaction",
            [change],
        )

    def _cursor(self) -> CursorWrapper:
        return connections[self.alias].cursor()

    def _write_fingerprinted_songs(
        self, cursor: CursorWrapper, rows: Sequence[FingerprintedSongRow]
    ) -> None:
        cursor.executemany(
            "INSERT INTO fingerprinted_song (song_id, hash_count, hash_set, generation) "
            "VALUES (%s, %s, %s, %s)",
            rows,
        )

    def _delete_rows(self, cursor: CursorWrapper, song_id: int) -> int:
        cursor.execute(
            "SELECT hash_count, hash_set FROM fingerprinted_song WHERE song_id = %s", [song_id]
        )
        found = cursor.fetchone()
        if found is None:
            return 0
        count, blob = found
        hash_values = _decode_hash_set(bytes(blob))
        self._delete_song_hashes(cursor, song_id, hash_values)
        self._count_songs(cursor, hash_values, -1)
        cursor.execute("DELETE FROM fingerprinted_song WHERE song_id = %s", [song_id])
        return int(count)


#: ``hash_popularity`` has a row for each hash held by at least this many songs: most of a
#: library's hashes are held by one song, and a row for each took a good share of the store
#: (see docs/tuning.md#store-layout). Every caller asks whether a hash is held by at most a
#: number of songs that is never below one, which the counts from two still answer.
COUNTED_FROM = 2

#: Fills an empty ``hash_popularity`` from ``song_hash``, given ``COUNTED_FROM`` (the same SQL
#: on every vendor).
COUNT_SONGS_PER_HASH = (
    "INSERT INTO hash_popularity (hash, songs) SELECT hash, count(*) FROM song_hash "
    "GROUP BY hash HAVING count(*) >= %s"
)


def counts_of(wanted: np.ndarray, found: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The count of each of ``wanted`` among the distinct ``found`` hashes and their
    ``counts``, ``COUNTED_FROM - 1`` for one not found."""
    uncounted = COUNTED_FROM - 1
    if len(found) == 0:
        return np.full(len(wanted), uncounted, np.int64)
    order = np.argsort(found)
    found, counts = found[order], counts[order]
    place = np.searchsorted(found, wanted).clip(max=len(found) - 1)
    return np.where(found[place] == wanted, counts[place], uncounted).astype(np.int64)


def _frames_by_hash(pairs: Hashes) -> tuple[np.ndarray, list[bytes]]:
    """The distinct hashes of sorted, distinct ``pairs`` and each one's packed frames."""
    values, starts = np.unique(pairs.values, return_index=True)
    packed = pack_frames(pairs.frames)
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


def encode_hash_set(hash_values: np.ndarray) -> bytes:
    """A song's distinct hashes as ``fingerprinted_song.hash_set`` holds them: ascending, each
    as its difference from the one before in four bytes, compressed."""
    distinct = np.unique(hash_values)
    return zlib.compress(np.diff(distinct, prepend=0).astype("<u4").tobytes())


def _decode_hash_set(blob: bytes) -> np.ndarray:
    return np.cumsum(np.frombuffer(zlib.decompress(blob), dtype="<u4").astype(np.int64))
