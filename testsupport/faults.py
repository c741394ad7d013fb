"""Databases failing the way they do in real life, for a test's block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


@contextmanager
def table_gone(alias: str, table: str) -> Iterator[None]:
    """``table`` of database ``alias`` renamed away, as if the file had lost it."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
