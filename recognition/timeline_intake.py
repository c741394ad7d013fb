"""Taking in a long recording sent over the web (the page or the API) for its timeline: the
request's declared size before its body is read, its form, and its job."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from fingerprints.errors import AudioError
from fingerprints.wiring import engine_config

from .intake import OTHER_FIELDS_BYTES, UNREADABLE_FORM, ClipRejected, form_refusal
from .models import TimelineJob
from .timeline_jobs import submit_timeline

#: The form's field that holds the recording.
FIELD = "file"


def timeline_size_limit() -> str:
    """The largest recording accepted, in the words the page and the refusal use."""
    return filesizeformat(settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES)


def check_declared_size(request: HttpRequest) -> None:
    """Raises ClipRejected for a body whose length is not declared (chunked: 411) or declared
    over the limit (413): checked before any of it is read, so nothing of it is written."""
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        raise ClipRejected(
            "length_required",
            "Send the recording with its length (Content-Length): chunked uploads are not "
            "accepted.",
            411,
        )
    declared_bytes = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared_bytes > settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES + OTHER_FIELDS_BYTES:
        raise _too_big(declared_bytes)


def read_form(request: HttpRequest) -> None:
    """Read the request's form, its recording streamed to a file on disk; raises
    ClipRejected when it is not a form that can be read."""
    try:
        request.FILES  # noqa: B018 - parses the body, which may fail
    except UNREADABLE_FORM as error:
        raise form_refusal(error) from error


def take_recording(request: HttpRequest) -> TimelineJob:
    """The queued job of the recording in the request's form (read by ``read_form``); raises
    ClipRejected, with nothing kept, when there is none, or it is empty, too big or not audio
    that can be used, or when the catalog cannot be written."""
    upload: UploadedFile | None = request.FILES.get(FIELD)
    if upload is None:
        raise ClipRejected("no_file", "No recording was sent: choose a file.", 400)
    if upload.size is not None and upload.size > settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES:
        raise _too_big(upload.size)
    try:
        return submit_timeline(upload, config=engine_config())
    except AudioError as error:
        raise ClipRejected(error.code, str(error), 400) from error
    except DatabaseError as error:
        raise ClipRejected("unavailable", "The catalog cannot be used right now.", 503) from error


def _too_big(size_bytes: int) -> ClipRejected:
    return ClipRejected(
        "too_big",
        f"The file is {filesizeformat(size_bytes)}; recordings of up to "
        f"{timeline_size_limit()} are accepted.",
        413,
    )
