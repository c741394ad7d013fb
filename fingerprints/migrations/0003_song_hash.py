"""The table of 0002 is ``song_hash``, for its model ``SongHash``: a row is one hash of one song
with all its frames, and only a (hash, frame) pair is called a fingerprint.

A rename keeps the table ``WITHOUT ROWID`` and its rows as they are, both ways; PostgreSQL's
primary key is renamed with its table.
"""

from django.db import migrations

from fingerprints.vendor_sql import run_sql

RENAME_FORWARDS = {
    "sqlite": ["ALTER TABLE fingerprint RENAME TO song_hash"],
    "postgresql": [
        "ALTER TABLE fingerprint RENAME TO song_hash",
        "ALTER TABLE song_hash RENAME CONSTRAINT fingerprint_pkey TO song_hash_pkey",
    ],
}
RENAME_BACKWARDS = {
    "sqlite": ["ALTER TABLE song_hash RENAME TO fingerprint"],
    "postgresql": [
        "ALTER TABLE song_hash RENAME TO fingerprint",
        "ALTER TABLE fingerprint RENAME CONSTRAINT song_hash_pkey TO fingerprint_pkey",
    ],
}


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0002_fingerprint_frames_per_song")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel(old_name="Fingerprint", new_name="SongHash"),
                migrations.AlterModelTable(name="songhash", table="song_hash"),
            ],
            database_operations=[run_sql(RENAME_FORWARDS, RENAME_BACKWARDS)],
        ),
    ]
