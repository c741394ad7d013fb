"""Tables of the fingerprint database (alias ``fingerprints``, see ``routers.py``).

Only the store (``store.py`` and each backend's module) reads and writes them; the models exist
so that Django migrates the database and routes it.
"""

from django.db import models


class SongHash(models.Model):
    """One hash of one song, at every time the song has it.

    The primary key is (hash, song_id), so a lookup is one seek per distinct query hash. On
    SQLite the table is ``WITHOUT ROWID``, its rows stored in that order; on PostgreSQL it is a
    heap that ``compact`` puts in that order, along its key's index ``song_hash_pkey``. The
    migrations create it with raw SQL for each vendor (``vendor_sql.py``) because Django cannot
    express ``WITHOUT ROWID``.
    """

    pk = models.CompositePrimaryKey("hash", "song_id")
    hash = models.BigIntegerField()
    song_id = models.BigIntegerField()
    #: The anchor frames, ascending, packed by ``store.pack_frames``.
    frames = models.BinaryField()

    class Meta:
        db_table = "song_hash"


class FingerprintedSong(models.Model):
    """A song that has fingerprints, with the set of its distinct hashes.

    ``song_id`` is the catalog Song's primary key; the two live in different databases, so
    there is no foreign key. The hash set (sorted, delta-encoded, zlib-compressed uint32) lets
    a delete seek straight to the song's rows instead of scanning the whole table.
    """

    song_id = models.BigIntegerField(primary_key=True)
    hash_count = models.PositiveIntegerField()
    hash_set = models.BinaryField()
    #: The staged generation these fingerprints were promoted from; NULL for fingerprints
    #: stored before generations existed (migration 0005).
    generation = models.BigIntegerField(null=True)

    class Meta:
        db_table = "fingerprinted_song"


class HashPopularity(models.Model):
    """How many songs hold a hash: the rows of ``song_hash`` with it, kept by the store in the
    same transaction as those rows. A query fetches a hash many songs hold only from its
    candidate songs (``recognition.retrieval``). Hashes no song holds have no row."""

    hash = models.BigIntegerField(primary_key=True)
    songs = models.PositiveIntegerField()

    class Meta:
        db_table = "hash_popularity"


class StagedGeneration(models.Model):
    """A song's fingerprints written but not yet live: lookups never read them.

    ``generation`` is a random number no other generation has had; ``song_id`` is the song
    they replace the fingerprints of, NULL for a song the catalog has not saved yet. The
    catalog's Song records the generation it switches to (``Song.fingerprint_generation``);
    the store then promotes it into ``song_hash`` (``FingerprintStore.promote``), or discards
    it if no song ever switched to it.
    """

    generation = models.BigIntegerField(primary_key=True)
    song_id = models.BigIntegerField(null=True)
    hash_count = models.PositiveIntegerField()
    hash_set = models.BinaryField()

    class Meta:
        db_table = "staged_generation"


class StagedSongHash(models.Model):
    """A row of ``song_hash`` as it will be once its generation is promoted; clustered by
    generation, so a promotion reads one generation's rows in hash order."""

    pk = models.CompositePrimaryKey("generation", "hash")
    generation = models.BigIntegerField()
    hash = models.BigIntegerField()
    frames = models.BinaryField()

    class Meta:
        db_table = "staged_song_hash"


class StoreState(models.Model):
    """The store's bookkeeping, one row (id 1, made by the first promotion): the fingerprints
    promoted since the last completed compaction, which decide when the next is due
    (``FingerprintStore.compact_if_due``)."""

    id = models.IntegerField(primary_key=True)
    written_since_compaction = models.BigIntegerField()

    class Meta:
        db_table = "store_state"
