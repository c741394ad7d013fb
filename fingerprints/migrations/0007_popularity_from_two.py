"""``hash_popularity`` keeps rows only for hashes held by at least two songs
(``fingerprints.store.COUNTED_FROM``): the rows of hashes held by one song go, and come back
if migrated backwards. Nothing needs indexing again."""

from django.db import migrations

from fingerprints.vendor_sql import run_sql

FORWARDS = ["DELETE FROM hash_popularity WHERE songs < 2"]
BACKWARDS = [
    "DELETE FROM hash_popularity",
    "INSERT INTO hash_popularity (hash, songs) SELECT hash, count(*) FROM song_hash GROUP BY hash",
]


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0006_level_steps")]

    operations = [
        run_sql(
            {"sqlite": FORWARDS, "postgresql": FORWARDS},
            {"sqlite": BACKWARDS, "postgresql": BACKWARDS},
        )
    ]
