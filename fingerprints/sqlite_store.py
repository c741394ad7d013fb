"""The fingerprint store in a SQLite file, Kazoom's default; and that file read on its own."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from django.db.backends.utils import CursorWrapper

from .store import (
    COUNTED_FROM,
    FingerprintedSongRow,
    FingerprintStore,
    Lookup,
    SongHashRow,
    counts_of,
)

#: Rows a bulk write hands SQLite at a time, and a file read fetches at a time.
BATCH_ROWS = 50_000


class SqliteStore(FingerprintStore):
    """``song_hash`` is ``WITHOUT ROWID`` with primary key (hash, song_id): its rows are stored
    in hash order, so a lookup is one seek per distinct query hash."""

    # The arrays travel as JSON; SQLite plans ``IN (SELECT … json_each)`` as one primary-key
    # seek per hash, or per hash and song.
    ROWS_OF_HASHES = (
        "SELECT hash, song_id, frames FROM song_hash "
        "WHERE hash IN (SELECT value FROM json_each(%s))"
    )
    ROWS_OF_HASHES_IN_SONGS = ROWS_OF_HASHES + " AND song_id IN (SELECT value FROM json_each(%s))"

    def _array(self, values: np.ndarray) -> str:
        return _json_array(values)

    def _aggregated(self, rows_sql: str, params: list[Any]) -> Lookup:
        """The rows come back as comma-separated lists and one hex string of all their frames
        (every aggregate sees the rows in the same order)."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT group_concat(hash), group_concat(song_id), group_concat(length(frames)), "
                f"group_concat(hex(frames), '') FROM ({rows_sql})",
                params,
            )
            hash_text, song_text, length_text, frames_hex = cursor.fetchone()
        return Lookup.of_rows(
            _integers(hash_text),
            _integers(song_text),
            _integers(length_text),
            bytes.fromhex(frames_hex or ""),
        )

    def song_counts(self, hash_values: np.ndarray) -> np.ndarray:
        """``hash_popularity`` is keyed by its rowid: one seek per distinct hash."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT group_concat(hash), group_concat(songs) FROM hash_popularity "
                "WHERE hash IN (SELECT value FROM json_each(%s))",
                [_json_array(hash_values)],
            )
            hash_text, songs_text = cursor.fetchone()
        return counts_of(np.asarray(hash_values), _integers(hash_text), _integers(songs_text))

    def compact(self) -> None:
        """Rewrite the database with its pages full and empty the write-ahead log.

        Songs added one by one land all over the hash-ordered B-tree and split its pages,
        leaving part of the file unused (see docs/tuning.md#store-layout). Rewriting takes
        about as long as reading the file once; it cannot run inside a transaction.
        """
        with self._cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_problems(self) -> list[str]:
        """``PRAGMA integrity_check``: every page, index entry and constraint."""
        with self._cursor() as cursor:
            return integrity_check(cursor)

    def size_bytes(self) -> int:
        """Bytes of the database's pages, whether it lives in a file or in memory."""
        with self._cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA page_size")
            return pages * int(cursor.fetchone()[0])

    def _write_rows(
        self, cursor: CursorWrapper, table: str, rows: Iterable[tuple[int, int, bytes]]
    ) -> None:
        for batch in _batches(rows):
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", batch)

    def _delete_song_hashes(
        self, cursor: CursorWrapper, song_id: int, hash_values: np.ndarray
    ) -> None:
        cursor.executemany(
            "DELETE FROM song_hash WHERE hash = %s AND song_id = %s",
            [(value, song_id) for value in hash_values.tolist()],
        )

    def _count_songs(self, cursor: CursorWrapper, hash_values: np.ndarray, change: int) -> None:
        wanted = _json_array(hash_values)
        cursor.execute(
            "UPDATE hash_popularity SET songs = songs + %s "
            "WHERE hash IN (SELECT value FROM json_each(%s))",
            [change, wanted],
        )
        if change > 0:
            # A hash with no row was held by fewer than COUNTED_FROM songs before this one:
            # counting its rows reads no more than that.
            cursor.execute(
                "INSERT INTO hash_popularity (hash, songs) SELECT value, held FROM "
                "(SELECT value, (SELECT count(*) FROM song_hash WHERE hash = value) AS held "
                "FROM json_each(%s) "
                "WHERE NOT EXISTS (SELECT 1 FROM hash_popularity WHERE hash = value)) "
                "WHERE held >= %s",
                [wanted, COUNTED_FROM],
            )
        else:
            cursor.execute(
                "DELETE FROM hash_popularity "
                "WHERE hash IN (SELECT value FROM json_each(%s)) AND songs < %s",
                [wanted, COUNTED_FROM],
            )


class FingerprintFile:
    """A SQLite fingerprint database read directly, not through Django: the source of
    ``manage.py copy_fingerprints``. Opened read-only; use it as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in self._rows("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise ValueError(f"{path}: not a SQLite database ({error})") from None
        if not {"song_hash", "fingerprinted_song", "staged_generation"} <= tables:
            self._connection.close()
            raise ValueError(
                f"{path}: not a Kazoom fingerprint database at the latest migration "
                "(no song_hash, fingerprinted_song or staged_generation table)"
            )

    def __enter__(self) -> FingerprintFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._connection.close()

    def totals(self) -> tuple[int, int, int]:
        """Songs, fingerprints and ``song_hash`` rows the file holds."""
        ((songs, fingerprints),) = self._rows(
            "SELECT count(*), COALESCE(SUM(hash_count), 0) FROM fingerprinted_song"
        )
        ((rows,),) = self._rows("SELECT count(*) FROM song_hash")
        return int(songs), int(fingerprints), int(rows)

    def fingerprinted_songs(self) -> Iterator[FingerprintedSongRow]:
        """The rows of ``fingerprinted_song``, by song id. Staged generations are not read:
        no catalog has its songs' fingerprints there yet."""
        return self._rows(
            "SELECT song_id, hash_count, hash_set, generation FROM fingerprinted_song "
            "ORDER BY song_id"
        )

    def song_hashes(self) -> Iterator[SongHashRow]:
        """The rows of ``song_hash`` in the order the table keeps them, (hash, song_id)."""
        return self._rows("SELECT hash, song_id, frames FROM song_hash ORDER BY hash, song_id")

    def _rows(self, sql: str) -> Iterator[tuple]:
        cursor = self._connection.execute(sql)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield from batch


def integrity_check(cursor: CursorWrapper) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong with the SQLite database of ``cursor``."""
    cursor.execute("PRAGMA integrity_check")
    found = [str(message) for (message,) in cursor.fetchall()]
    return [] if found == ["ok"] else found


def _batches(rows: Iterable[tuple[int, int, bytes]]) -> Iterator[list[tuple[int, int, bytes]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_ROWS)):
        yield batch


def _json_array(values: np.ndarray) -> str:
    """The distinct ``values`` as a JSON array, for ``json_each``."""
    return json.dumps(np.unique(values).tolist())


def _integers(text: str | None) -> np.ndarray:
    """The int64 array of a comma-separated list; SQLite's ``group_concat`` of no rows is NULL."""
    if text is None:
        return np.zeros(0, np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")
