"""What the site's retention shares: rows past their time deleted a batch at a time."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction


def delete_in_batches(rows: models.QuerySet[Any], oldest_first_by: str, batch_size: int) -> int:
    """Delete ``rows``, oldest first by the field ``oldest_first_by``, ``batch_size`` at a
    time, each batch in a transaction of its own (the site's writers wait for one batch, never
    for the whole prune), their delete signals sent; how many were deleted."""
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(rows.order_by(oldest_first_by).values_list("pk", flat=True)[:batch_size])
            if not batch:
                return deleted
            _, per_model = rows.model.objects.filter(pk__in=batch).delete()
            deleted += per_model.get(rows.model._meta.label, 0)
