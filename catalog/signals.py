"""Keeps the fingerprint database and the library folder in step with the catalog."""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from fingerprints.wiring import fingerprint_store

from .covers import discard_cover
from .models import Song
from .uploads import discard_kept


@receiver(post_delete, sender=Song)
def delete_fingerprints(sender: type[Song], instance: Song, using: str, **kwargs: Any) -> None:
    """A deleted Song's fingerprints, its cover and the file the admin kept for it go too,
    once the deletion has committed.

    There is no foreign key across the two databases, so this is what keeps them consistent;
    it runs for single deletes, queryset (bulk) deletes and cascades alike. Files outside the
    library folder (someone's music collection) are never touched.
    """
    song_id = instance.pk
    store = fingerprint_store()
    transaction.on_commit(lambda: store.delete([song_id]), using=using)
    if instance.source_path:
        transaction.on_commit(partial(discard_kept, instance.source_path), using=using)
    if instance.cover:
        transaction.on_commit(partial(discard_cover, instance.cover), using=using)
