"""Recognising a clip sent over the web (page or API), with its limits and its log entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from fingerprints.config import EngineConfig
from fingerprints.errors import AudioError
from fingerprints.store import FingerprintStore

from .models import RecognitionAttempt
from .services import Recognition, recognize

Source = RecognitionAttempt.Source
Outcome = RecognitionAttempt.Outcome


class ClipRejected(Exception):
    """A clip that cannot be recognised, with what to tell the person and the HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ClipLimits:
    max_bytes: int


def recognize_clip(
    upload: UploadedFile | None,
    *,
    source: str,
    limits: ClipLimits,
    store: FingerprintStore,
    config: EngineConfig,
    explain: bool,
) -> Recognition:
    """Check, recognise (with the evidence when ``explain``) and log one uploaded clip.

    Raises ClipRejected — after logging the attempt — when the clip is missing, too big or
    not usable audio.
    """
    try:
        _check(upload, limits)
        result = recognize(upload.file, store=store, config=config, explain=explain)
    except AudioError as error:
        raise _rejected(source, ClipRejected(error.code, str(error), 400)) from error
    except ClipRejected as rejection:
        raise _rejected(source, rejection) from None
    log_attempt(source, result)
    return result


def log_attempt(source: str, result: Recognition) -> RecognitionAttempt:
    match = result.match
    return RecognitionAttempt.objects.create(
        source=source,
        outcome=Outcome.MATCH if match else Outcome.NO_MATCH,
        clip_seconds=result.query_seconds,
        song=match.song if match else None,
        confidence=match.confidence if match else None,
        offset_seconds=match.offset_seconds if match else None,
        elapsed_ms=result.elapsed_ms,
    )


def log_failure(source: str, code: str) -> RecognitionAttempt:
    return RecognitionAttempt.objects.create(source=source, outcome=Outcome.ERROR, error_code=code)


def refuse_declared_size(declared_bytes: int, *, source: str, limits: ClipLimits) -> None:
    """Refuse (and log) a request whose declared body is too big, before it is read.

    64 kB above the limit leaves room for the form's other fields.
    """
    if declared_bytes > limits.max_bytes + 64 * 1024:
        raise _rejected(source, _too_big(declared_bytes, limits))


def _check(upload: UploadedFile | None, limits: ClipLimits) -> None:
    if upload is None:
        raise ClipRejected("no_file", "No audio was sent: choose a file or use Listen.", 400)
    if upload.size is not None and upload.size > limits.max_bytes:
        raise _too_big(upload.size, limits)


def _too_big(size_bytes: int, limits: ClipLimits) -> ClipRejected:
    return ClipRejected(
        "too_big",
        f"The file is {size_bytes / 1e6:.1f} MB; clips of up to "
        f"{limits.max_bytes / 1e6:.0f} MB are accepted. A few seconds of audio is enough.",
        413,
    )


def _rejected(source: str, rejection: ClipRejected) -> ClipRejected:
    log_failure(source, rejection.code)
    return rejection
