"""Hashes carry a fourth field, the level step of a pair's target against its anchor
(``EngineConfig.level_step_db``): fingerprints stored before it are of another layout and match
nothing a query now asks for, so they go, both ways. The catalog keeps its songs; ``index_songs``
and ``check_store --repair`` fingerprint every song whose fingerprints are gone again, from its
file (README, "Upgrading").
"""

from django.db import migrations

from fingerprints.vendor_sql import run_sql

CLEARED = [
    "DELETE FROM song_hash",
    "DELETE FROM hash_popularity",
    "DELETE FROM fingerprinted_song",
    "DELETE FROM staged_song_hash",
    "DELETE FROM staged_generation",
    "DELETE FROM store_state",
]
BOTH_WAYS = {"sqlite": CLEARED, "postgresql": CLEARED}


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0005_generations")]

    operations = [run_sql(BOTH_WAYS, BOTH_WAYS)]
