"""The table of 0002 is ``song_hash``, for its model ``SongHash``: a row is one hash of one song
with all its frames, and only a (hash, frame) pair is called a fingerprint.

A rename keeps the table ``WITHOUT ROWID`` and its rows as they are, both ways.
"""

from django.db import migrations

RENAME_FORWARDS = "ALTER TABLE fingerprint RENAME TO song_hash"
RENAME_BACKWARDS = "ALTER TABLE song_hash RENAME TO fingerprint"


class Migration(migrations.Migration):
    dependencies = [("fingerprints", "0002_fingerprint_frames_per_song")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel(old_name="Fingerprint", new_name="SongHash"),
                migrations.AlterModelTable(name="songhash", table="song_hash"),
            ],
            database_operations=[migrations.RunSQL(RENAME_FORWARDS, RENAME_BACKWARDS)],
        ),
    ]
