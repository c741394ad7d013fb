"""Generations: a song's new fingerprints are staged under a fresh generation number
(``staged_generation``, ``staged_song_hash``), which lookups never read, and promoted into
``song_hash`` in one transaction once the catalog has switched to that generation;
``fingerprinted_song.generation`` is the generation a song's live fingerprints came from (NULL
for those stored before this migration). ``store_state`` counts the fingerprints written since
the store was last compacted, so that a compaction cut short is done by the next run.

Going back drops the staged generations: work no catalog had committed to.
"""

from django.db import migrations, models

from fingerprints.vendor_sql import run_sql

FORWARDS = {
    "sqlite": [
        """
        CREATE TABLE staged_generation (
            generation INTEGER PRIMARY KEY,
            song_id INTEGER,
            hash_count INTEGER NOT NULL,
            hash_set BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE staged_song_hash (
            generation INTEGER NOT NULL,
            hash INTEGER NOT NULL,
            frames BLOB NOT NULL,
            PRIMARY KEY (generation, hash)
        ) WITHOUT ROWID
        """,
        "ALTER TABLE fingerprinted_song ADD COLUMN generation INTEGER",
        "CREATE TABLE store_state (id INTEGER PRIMARY KEY, written_since_compaction INTEGER NOT NULL)",
    ],
    "postgresql": [
        """
        CREATE TABLE staged_generation (
            generation bigint PRIMARY KEY,
            song_id bigint,
            hash_count integer NOT NULL,
            hash_set bytea NOT NULL
        )
        """,
        """
        CREATE TABLE staged_song_hash (
            generation bigint NOT NULL,
            hash bigint NOT NULL,
            frames bytea NOT NULL,
            PRIMARY KEY (generation, hash)
        )
        """,
        "ALTER TABLE fingerprinted_song ADD COLUMN generation bigint",
        "CREATE TABLE store_state (id integer PRIMARY KEY, written_since_compaction bigint NOT NULL)",
    ],
}
BACKWARDS = {
    vendor: [
        "DROP TABLE store_state",
        "ALTER TABLE fingerprinted_song DROP COLUMN generation",
        "DROP TABLE staged_song_hash",
        "DROP TABLE staged_generation",
    ]
    for vendor in FORWARDS
}


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0004_hash_popularity")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StagedGeneration",
                    fields=[
                        ("generation", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("song_id", models.BigIntegerField(null=True)),
                        ("hash_count", models.PositiveIntegerField()),
                        ("hash_set", models.BinaryField()),
                    ],
                    options={"db_table": "staged_generation"},
                ),
                migrations.CreateModel(
                    name="StagedSongHash",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "generation",
                                "hash",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("generation", models.BigIntegerField()),
                        ("hash", models.BigIntegerField()),
                        ("frames", models.BinaryField()),
                    ],
                    options={"db_table": "staged_song_hash"},
                ),
                migrations.AddField(
                    model_name="fingerprintedsong",
                    name="generation",
                    field=models.BigIntegerField(null=True),
                ),
                migrations.CreateModel(
                    name="StoreState",
                    fields=[
                        ("id", models.IntegerField(primary_key=True, serialize=False)),
                        ("written_since_compaction", models.BigIntegerField()),
                    ],
                    options={"db_table": "store_state"},
                ),
            ],
            database_operations=[run_sql(FORWARDS, BACKWARDS)],
        ),
    ]
