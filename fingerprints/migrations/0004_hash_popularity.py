"""``hash_popularity``: how many songs hold each hash, counted from the rows already stored, so
nothing needs indexing again.

On SQLite the table is keyed by its rowid (``INTEGER PRIMARY KEY``), which takes no index
beside the table.
"""

from django.db import migrations, models

from fingerprints.vendor_sql import run_sql

CREATE = {
    "sqlite": ["CREATE TABLE hash_popularity (hash INTEGER PRIMARY KEY, songs INTEGER NOT NULL)"],
    "postgresql": ["CREATE TABLE hash_popularity (hash bigint PRIMARY KEY, songs integer NOT NULL)"],
}
FILL = "INSERT INTO hash_popularity (hash, songs) SELECT hash, count(*) FROM song_hash GROUP BY hash"
DROP = {vendor: ["DROP TABLE hash_popularity"] for vendor in CREATE}


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0003_song_hash")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HashPopularity",
                    fields=[
                        ("hash", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("songs", models.PositiveIntegerField()),
                    ],
                    options={"db_table": "hash_popularity"},
                ),
            ],
            database_operations=[
                run_sql({vendor: [*sql, FILL] for vendor, sql in CREATE.items()}, DROP)
            ],
        ),
    ]
