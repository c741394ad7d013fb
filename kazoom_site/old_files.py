"""Files a crash or an abandoned form left behind in a folder of the server's own."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path


def remove_old_files(folder: Path, written_before: float, keeping: Collection[str] = ()) -> int:
    """Remove the files in ``folder`` last written before ``written_before`` (a Unix time)
    whose names are not in ``keeping``; how many."""
    if not folder.is_dir():
        return 0
    old = [
        path
        for path in folder.iterdir()
        if path.name not in keeping and path.is_file() and path.stat().st_mtime < written_before
    ]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)
