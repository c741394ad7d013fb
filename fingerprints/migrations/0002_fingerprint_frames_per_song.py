"""One row per (hash, song) holding all the song's frames of that hash, instead of one row per
(hash, song << 21 | frame): the same fingerprints in about three quarters of the bytes.

Existing rows are converted in hash order, a batch at a time, both ways; nothing needs
indexing again.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby, islice

from django.db import migrations, models

from fingerprints.vendor_sql import execute

#: 0001's table and 0002's, for each vendor, to be created under the name ``{table}``.
CREATE_ROWS = {
    "sqlite": """
        CREATE TABLE {table} (
            hash INTEGER NOT NULL,
            song_time INTEGER NOT NULL,
            PRIMARY KEY (hash, song_time)
        ) WITHOUT ROWID
    """,
    "postgresql": """
        CREATE TABLE {table} (
            hash bigint NOT NULL,
            song_time bigint NOT NULL,
            PRIMARY KEY (hash, song_time)
        )
    """,
}
CREATE_GROUPED = {
    "sqlite": """
        CREATE TABLE {table} (
            hash INTEGER NOT NULL,
            song_id INTEGER NOT NULL,
            frames BLOB NOT NULL,
            PRIMARY KEY (hash, song_id)
        ) WITHOUT ROWID
    """,
    "postgresql": """
        CREATE TABLE {table} (
            hash bigint NOT NULL,
            song_id bigint NOT NULL,
            frames bytea NOT NULL,
            PRIMARY KEY (hash, song_id)
        )
    """,
}
#: PostgreSQL keeps a key's name when its table is renamed: fingerprint_new's becomes fingerprint's.
RENAME_KEY = {
    "sqlite": [],
    "postgresql": ["ALTER TABLE fingerprint RENAME CONSTRAINT fingerprint_new_pkey TO fingerprint_pkey"],
}
#: How song and frame shared one integer in 0001's ``song_time``.
OLD_FRAME_BITS = 21
OLD_FRAME_MASK = (1 << OLD_FRAME_BITS) - 1
#: 0002's frame packing (``fingerprints.store.pack_frames`` at the time of writing).
FRAME_BYTES = 3
BATCH_ROWS = 100_000

Row = tuple[int, ...]


def regroup(apps, schema_editor) -> None:  # noqa: ANN001 (Django's migration signature)
    _convert(schema_editor.connection, CREATE_GROUPED, "hash, song_time", _grouped)


def ungroup(apps, schema_editor) -> None:  # noqa: ANN001 (Django's migration signature)
    _convert(schema_editor.connection, CREATE_ROWS, "hash, song_id", _ungrouped)


def _grouped(rows: Iterable[Row]) -> Iterator[tuple]:
    """(hash, song_time) rows, sorted, as (hash, song_id, packed frames)."""
    for (value, song_id), group in groupby(
        rows, key=lambda row: (row[0], row[1] >> OLD_FRAME_BITS)
    ):
        frames = b"".join(
            (song_time & OLD_FRAME_MASK).to_bytes(FRAME_BYTES, "little") for _, song_time in group
        )
        yield value, song_id, frames


def _ungrouped(rows: Iterable[tuple]) -> Iterator[Row]:
    """(hash, song_id, packed frames) rows as (hash, song_time)."""
    for value, song_id, frames in rows:
        for start in range(0, len(frames), FRAME_BYTES):
            frame = int.from_bytes(frames[start : start + FRAME_BYTES], "little")
            if frame > OLD_FRAME_MASK:
                raise ValueError(f"frame {frame} of song {song_id} does not fit 0001's layout")
            yield value, song_id << OLD_FRAME_BITS | frame


def _convert(connection, create: dict, order: str, rows_of: Callable) -> None:  # noqa: ANN001
    """Rebuild the ``fingerprint`` table as ``create`` from ``rows_of`` its rows in ``order``."""
    with connection.cursor() as reader, connection.cursor() as writer:
        writer.execute(create[connection.vendor].format(table="fingerprint_new"))
        reader.execute(f"SELECT * FROM fingerprint ORDER BY {order}")
        converted = rows_of(
            row for batch in iter(lambda: reader.fetchmany(BATCH_ROWS), []) for row in batch
        )
        while batch := list(islice(converted, BATCH_ROWS)):
            marks = ", ".join(["%s"] * len(batch[0]))
            writer.executemany(f"INSERT INTO fingerprint_new VALUES ({marks})", batch)
        writer.execute("DROP TABLE fingerprint")
        writer.execute("ALTER TABLE fingerprint_new RENAME TO fingerprint")
    execute(connection, RENAME_KEY)


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Fingerprint"),
                migrations.CreateModel(
                    name="Fingerprint",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "hash",
                                "song_id",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("hash", models.BigIntegerField()),
                        ("song_id", models.BigIntegerField()),
                        ("frames", models.BinaryField()),
                    ],
                    options={"db_table": "fingerprint"},
                ),
            ],
            database_operations=[migrations.RunPython(regroup, ungroup)],
        ),
    ]
