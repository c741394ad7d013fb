"""Song files uploaded in the admin, kept in the library folder under names the server makes;
and files chosen on a form refused for another field, kept aside until it is sent again."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile

from kazoom_site.old_files import remove_old_files

#: What a pending upload's token is signed for: no other signed value passes for one.
_PENDING_SALT = "catalog.uploads.pending"
#: The names this module makes: ``uuid4().hex``.
_MADE_NAME = re.compile(r"[0-9a-f]{32}")


def _library_dir() -> Path:
    return Path(settings.KAZOOM_LIBRARY_DIR)


def keep_upload(upload: UploadedFile) -> Path:
    """Write ``upload`` into the library folder under a fresh random name; return its path.

    Nothing of the name the browser sent is used, not even its extension: a client's name must
    never choose a path on disk, and the decoders recognise a format by its content.
    """
    return _write_new(_library_dir(), upload)


def _write_new(folder: Path, upload: UploadedFile) -> Path:
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


@dataclass(frozen=True)
class PendingUpload:
    """A file kept for a form sent again, and the token the form carries for it."""

    path: Path
    #: The name the browser gave the file: shown, and a title when its tags have none; never
    #: part of a path.
    name: str
    token: str


def keep_pending(upload: UploadedFile) -> PendingUpload:
    """Keep ``upload`` in the pending folder under a fresh random name, removing the files
    kept there too long ago; the form sends back its token to use it."""
    remove_stale_pending()
    path = _write_new(_pending_dir(), upload)
    name = upload.name or ""
    return PendingUpload(path, name, signing.dumps([path.name, name], salt=_PENDING_SALT))


def pending_upload(token: str) -> PendingUpload | None:
    """The kept file ``token`` names: only a token this server signed, within
    ``KAZOOM_KEPT_UPLOAD_HOURS``, for a file still there; None otherwise."""
    max_age = settings.KAZOOM_KEPT_UPLOAD_HOURS * 3600
    try:
        made, name = signing.loads(token, salt=_PENDING_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(made, str) and _MADE_NAME.fullmatch(made) and isinstance(name, str)):
        return None
    path = _pending_dir() / made
    return PendingUpload(path, name, token) if path.is_file() else None


def claim_pending(pending: PendingUpload) -> Path:
    """Move a kept file into the library folder, under a fresh random name, for a song."""
    folder = _library_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    shutil.move(pending.path, path)
    return path


def discard_pending(pending: PendingUpload) -> None:
    pending.path.unlink(missing_ok=True)


def remove_stale_pending() -> int:
    """Remove the kept files older than ``KAZOOM_KEPT_UPLOAD_HOURS``, whose tokens have
    expired; how many."""
    oldest = time.time() - settings.KAZOOM_KEPT_UPLOAD_HOURS * 3600
    return remove_old_files(_pending_dir(), oldest)


def _pending_dir() -> Path:
    return Path(settings.KAZOOM_PENDING_UPLOADS_DIR)


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
