from django.db import migrations, models

from fingerprints.vendor_sql import run_sql

CREATE_FINGERPRINT = {
    "sqlite": [
        """
        CREATE TABLE fingerprint (
            hash INTEGER NOT NULL,
            song_time INTEGER NOT NULL,
            PRIMARY KEY (hash, song_time)
        ) WITHOUT ROWID
        """
    ],
    # The primary key's index is fingerprint_pkey.
    "postgresql": [
        """
        CREATE TABLE fingerprint (
            hash bigint NOT NULL,
            song_time bigint NOT NULL,
            PRIMARY KEY (hash, song_time)
        )
        """
    ],
}
DROP_FINGERPRINT = {vendor: ["DROP TABLE fingerprint"] for vendor in CREATE_FINGERPRINT}


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
                run_sql(CREATE_FINGERPRINT, DROP_FINGERPRINT),
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
