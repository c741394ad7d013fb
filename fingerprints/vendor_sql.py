"""Raw SQL of the fingerprint database's migrations, written out for each database vendor.

The migrations create ``song_hash`` and its forerunners in SQL rather than through Django's
schema editor because SQLite's table must be ``WITHOUT ROWID``; PostgreSQL has no such clause,
and names a primary key's index after its table, so a renamed table renames its key too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import NotSupportedError, migrations
from django.db.backends.base.base import BaseDatabaseWrapper

#: Vendor (``connection.vendor``) → the statements to run there, in order.
VendorSQL = Mapping[str, Sequence[str]]


def execute(connection: BaseDatabaseWrapper, sql: VendorSQL) -> None:
    """Run the statements of ``connection``'s vendor."""
    if connection.vendor not in sql:
        raise NotSupportedError(
            f"the fingerprint tables are written for {', '.join(sql)}, not {connection.vendor}"
        )
    with connection.cursor() as cursor:
        for statement in sql[connection.vendor]:
            cursor.execute(statement)


def run_sql(forwards: VendorSQL, backwards: VendorSQL) -> migrations.RunPython:
    """A migration operation that runs the migrated database's statements, either way."""

    def forward(apps: Any, schema_editor: Any) -> None:
        execute(schema_editor.connection, forwards)

    def backward(apps: Any, schema_editor: Any) -> None:
        execute(schema_editor.connection, backwards)

    return migrations.RunPython(forward, backward)
