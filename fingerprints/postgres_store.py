"""The fingerprint store in a PostgreSQL database, for libraries past one SQLite file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import psycopg
from django.db import DatabaseError, transaction
from django.db.backends.utils import CursorWrapper

from .store import COUNTED_FROM, STORE_TABLES, FingerprintStore, Lookup, counts_of


class PostgresStore(FingerprintStore):
    """``song_hash`` is a heap of rows with the B-tree ``song_hash_pkey`` on (hash, song_id).

    Rows land in the heap in the order they are written, a song at a time, so one hash's rows
    lie on as many pages as songs have it until ``compact`` puts them in hash order.
    """

    # The arrays travel as bigint arrays; ``= ANY(array)`` is an index scan of
    # ``song_hash_pkey``, one descent per hash, or per hash and song (docs/tuning.md#lookup has
    # the plan).
    ROWS_OF_HASHES = "SELECT hash, song_id, frames FROM song_hash WHERE hash = ANY(%s::bigint[])"
    ROWS_OF_HASHES_IN_SONGS = ROWS_OF_HASHES + " AND song_id = ANY(%s::bigint[])"

    def _array(self, values: np.ndarray) -> list[int]:
        return np.unique(values).tolist()

    def _aggregated(self, rows_sql: str, params: list[Any]) -> Lookup:
        """The rows come back aggregated: their hashes, songs and frame lengths as binary
        integers and all their frames in one bytea (every aggregate sees the rows in the same
        order), in a fifth less time than fetching them as rows."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(int8send(hash), ''), string_agg(int8send(song_id), ''), "
                "string_agg(int4send(length(frames)), ''), string_agg(frames, '') "
                f"FROM ({rows_sql}) AS found",
                params,
            )
            hashes, found_song_ids, lengths, frames = cursor.fetchone()
        return Lookup.of_rows(
            _integers(hashes, ">i8"),
            _integers(found_song_ids, ">i8"),
            _integers(lengths, ">i4"),
            bytes(frames or b""),
        )

    def song_counts(self, hash_values: np.ndarray) -> np.ndarray:
        """One descent of ``hash_popularity``'s primary key per distinct hash."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(int8send(hash), ''), string_agg(int4send(songs), '') "
                "FROM hash_popularity WHERE hash = ANY(%s::bigint[])",
                [np.unique(hash_values).tolist()],
            )
            hashes, songs = cursor.fetchone()
        return counts_of(np.asarray(hash_values), _integers(hashes, ">i8"), _integers(songs, ">i4"))

    def compact(self) -> None:
        """Rewrite ``song_hash`` and ``hash_popularity`` in hash order and their indexes with
        full pages, then refresh the planner's statistics.

        A lookup then reads each hash's rows from a page or two instead of a page per song:
        on 2,000 synthetic songs, in a fifth of the time (see docs/tuning.md#store-layout).
        The popularity counts, updated once for every song that adds a hash, leave their old
        versions behind until rewritten. The rewrite locks each table, lookups included, for
        about as long as copying it takes.
        """
        with self._cursor() as cursor:
            cursor.execute("CLUSTER song_hash USING song_hash_pkey")
            cursor.execute("CLUSTER hash_popularity USING hash_popularity_pkey")
            cursor.execute("ANALYZE song_hash, hash_popularity, fingerprinted_song")

    def integrity_problems(self) -> list[str] | None:
        """``amcheck``'s ``bt_index_check`` of every index of the store's tables, if that
        extension is installed in the database (``CREATE EXTENSION amcheck``); else None."""
        with self._cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")
            if cursor.fetchone() is None:
                return None
            cursor.execute(
                "SELECT index.relname FROM pg_index JOIN pg_class AS index "
                "ON index.oid = pg_index.indexrelid JOIN pg_class AS owner "
                "ON owner.oid = pg_index.indrelid WHERE owner.relname = ANY(%s)",
                [list(STORE_TABLES)],
            )
            indexes = [name for (name,) in cursor.fetchall()]
        return [problem for name in indexes if (problem := self._index_problem(name))]

    def _index_problem(self, index: str) -> str | None:
        """What ``bt_index_check`` says of ``index``, in a transaction of its own (a failed
        check aborts it); None if nothing."""
        try:
            with transaction.atomic(using=self.alias), self._cursor() as cursor:
                cursor.execute("SELECT bt_index_check(%s::regclass)", [index])
        except DatabaseError as error:
            return f"index {index}: {error}"
        return None

    def size_bytes(self) -> int:
        """Bytes of the store's tables with their indexes and TOAST."""
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT sum(pg_total_relation_size(name::regclass)) "
                "FROM unnest(%s::text[]) AS name",
                [list(STORE_TABLES)],
            )
            return int(cursor.fetchone()[0])

    def _write_rows(
        self, cursor: CursorWrapper, table: str, rows: Iterable[tuple[int, int, bytes]]
    ) -> None:
        """Through ``COPY … FROM STDIN`` in binary, on the psycopg cursor under Django's."""
        raw: psycopg.Cursor[Any] = cursor.cursor
        with raw.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "bytea"])
            for row in rows:
                copy.write_row(row)

    def _delete_song_hashes(
        self, cursor: CursorWrapper, song_id: int, hash_values: np.ndarray
    ) -> None:
        cursor.execute(
            "DELETE FROM song_hash WHERE hash = ANY(%s::bigint[]) AND song_id = %s",
            [hash_values.tolist(), song_id],
        )

    def _count_songs(self, cursor: CursorWrapper, hash_values: np.ndarray, change: int) -> None:
        """Under a lock that one write at a time takes: a write that counts a hash's rows in
        ``song_hash`` then sees those of any other write before it, committed."""
        wanted = np.unique(hash_values).tolist()
        cursor.execute("LOCK TABLE hash_popularity IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            "UPDATE hash_popularity SET songs = songs + %s WHERE hash = ANY(%s::bigint[])",
            [change, wanted],
        )
        if change > 0:
            cursor.execute(
                "INSERT INTO hash_popularity (hash, songs) SELECT wanted.hash, held.songs "
                "FROM unnest(%s::bigint[]) AS wanted (hash) CROSS JOIN LATERAL "
                "(SELECT count(*) AS songs FROM song_hash WHERE hash = wanted.hash) AS held "
                "WHERE held.songs >= %s AND NOT EXISTS "
                "(SELECT 1 FROM hash_popularity WHERE hash = wanted.hash)",
                [wanted, COUNTED_FROM],
            )
        else:
            cursor.execute(
                "DELETE FROM hash_popularity WHERE hash = ANY(%s::bigint[]) AND songs < %s",
                [wanted, COUNTED_FROM],
            )


def _integers(packed: bytes | None, dtype: str) -> np.ndarray:
    """The int64 array of big-endian binary integers; ``string_agg`` of no rows is NULL."""
    return np.frombuffer(packed or b"", dtype).astype(np.int64)
