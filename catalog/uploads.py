"""Song files uploaded in the admin, kept in the library folder under names the server makes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def _library_dir() -> Path:
    return Path(settings.KAZOOM_LIBRARY_DIR)


def keep_upload(upload: UploadedFile) -> Path:
    """Write ``upload`` into the library folder under a fresh random name; return its path.

    Nothing of the name the browser sent is used, not even its extension: a client's name must
    never choose a path on disk, and the decoders recognise a format by its content.
    """
    folder = _library_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    out = path.open("xb")  # "x": a name made here never replaces a file already kept
    try:
        with out:
            for chunk in upload.chunks():
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def discard_kept(path: str | os.PathLike[str]) -> None:
    """Remove ``path`` if it is a file this module kept.

    Files elsewhere (a song indexed from someone's music folder) are theirs and stay.
    """
    kept = Path(path)
    if kept.parent.resolve() == _library_dir().resolve() and kept.is_file():
        kept.unlink(missing_ok=True)


@contextmanager
def discarded_on_error(path: Path) -> Iterator[None]:
    """Remove the kept file ``path`` when the block raises: it will belong to no song."""
    try:
        yield
    except BaseException:
        discard_kept(path)
        raise
