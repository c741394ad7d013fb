from django.db import migrations, models

CREATE_FINGERPRINT = """
CREATE TABLE fingerprint (
    hash INTEGER NOT NULL,
    song_time INTEGER NOT NULL,
    PRIMARY KEY (hash, song_time)
) WITHOUT ROWID
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Fingerprint",
                    fields=[
                        ("pk", models.CompositePrimaryKey("hash", "song_time", blank=True, editable=False, primary_key=True, serialize=False)),
                        ("hash", models.BigIntegerField()),
                        ("song_time", models.BigIntegerField()),
                    ],
                    options={"db_table": "fingerprint"},
                ),
            ],
            database_operations=[
                migrations.RunSQL(CREATE_FINGERPRINT, "DROP TABLE fingerprint"),
            ],
        ),
        migrations.CreateModel(
            name="FingerprintedSong",
            fields=[
                ("song_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("hash_count", models.PositiveIntegerField()),
                ("hash_set", models.BinaryField()),
            ],
            options={"db_table": "fingerprinted_song"},
        ),
    ]
