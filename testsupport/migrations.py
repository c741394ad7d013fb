"""Tests of data migrations: a database migrated back to before one, then forward again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def migrated_back(
    app: str, migration: str, *, database: str = DEFAULT_DB_ALIAS
) -> Iterator[MigrationExecutor]:
    """An executor on ``database`` (the catalog's unless said) with ``app`` migrated back to
    ``migration``; forward to the app's latest migrations afterwards, whatever happened."""
    executor = MigrationExecutor(connections[database])
    latest = executor.loader.graph.leaf_nodes(app)
    executor.migrate([(app, migration)])
    try:
        executor.loader.build_graph()
        yield executor
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)
