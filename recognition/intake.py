"""Taking in a clip sent over the web (the page or the API): its checks, its recognition and
its one entry in the log of recognition attempts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO, cast

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousMultipartForm,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, transaction
from django.http import HttpRequest, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat

from fingerprints.errors import AudioError
from fingerprints.wiring import engine_config, fingerprint_store

from .charts import MatchPictures, match_pictures
from .finds import Finder
from .models import RecognitionAttempt
from .services import Recognition, recognize
from .sharing import kept_runners_up, new_share_token, packed_pictures

logger = logging.getLogger(__name__)

Source = RecognitionAttempt.Source
Outcome = RecognitionAttempt.Outcome

#: A request's declared body may exceed the clip limit by this much: the form's other fields.
OTHER_FIELDS_BYTES = 64 * 1024


@dataclass(frozen=True)
class Recognised:
    result: Recognition
    #: Its entry in the log of attempts; None when the log could not be written.
    attempt: RecognitionAttempt | None
    #: A match's *why this match* pictures, drawn once for its card and its permalink.
    pictures: MatchPictures | None = None


class ClipRejected(Exception):
    """A clip that cannot be recognised, or a request refused before its clip is looked at,
    with what to tell the person, the HTTP status and any headers the answer needs
    (Retry-After)."""

    def __init__(
        self, code: str, message: str, status: int, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers or {}


def clip_size_limit() -> str:
    """The largest clip accepted, in the words both the page and the refusal use."""
    return filesizeformat(settings.KAZOOM_MAX_CLIP_BYTES)


#: What Django raises when a request's body cannot be read as a form: the client's mistake
#: (UnreadablePostError: the client went away mid-upload).
UNREADABLE_FORM = (
    MultiPartParserError,
    SuspiciousMultipartForm,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    UnreadablePostError,
)


def server_failure() -> ClipRejected:
    """The answer to a request that failed on the server's side, for no fault of the
    client's."""
    return ClipRejected("server_error", "The recognition could not finish.", 500)


def form_fields(request: HttpRequest, source: Source) -> QueryDict:
    """The request's form fields; raises ClipRejected, once the attempt is logged, when its
    body is not a form that can be read."""
    try:
        return _checked_body(request).POST
    except ClipRejected as rejection:
        _log_failure(source, rejection.code)
        raise


def recognize_clip(
    request: HttpRequest, source: Source, *, interim: bool = False, finder: Finder | None = None
) -> Recognised:
    """Check and recognise the clip in the request's ``audio`` field, and log the attempt (a
    match with the token of its permalink), as ``finder``'s when given.

    Exactly one RecognitionAttempt is logged whatever happens: an ``interim`` microphone check
    (the microphone goes on listening unless it matched) that matches nothing is logged as
    pending, not as a listen that found no match. Raises ClipRejected, once it is logged, when
    the request or the clip is malformed, missing, too big or not usable audio, or when
    recognition failed. The page is given the evidence for its *why this match* pictures; the
    API is not.
    """
    try:
        result = _recognize(request, explain=source != Source.API)
        pictures = match_pictures(result.evidence) if result.evidence is not None else None
    except ClipRejected as rejection:
        _log_failure(source, rejection.code)
        raise
    except DatabaseError as error:
        logger.exception("recognition failed: a database could not be used")
        _log_failure(source, "unavailable")
        raise ClipRejected("unavailable", "The catalog cannot be used right now.", 503) from error
    except Exception as error:
        logger.exception("recognition failed")
        failure = server_failure()
        _log_failure(source, failure.code)
        raise failure from error
    return Recognised(result, _log_recognition(source, result, interim, finder, pictures), pictures)


def form_refusal(error: Exception) -> ClipRejected:
    """What to answer a request whose body Django could not read as a form."""
    if isinstance(error, RequestDataTooBig):
        return ClipRejected(
            "too_big",
            f"The form's fields are too big; only the clip may be large, up to "
            f"{clip_size_limit()}.",
            413,
        )
    if isinstance(error, (TooManyFieldsSent, TooManyFilesSent)):
        return ClipRejected(
            "bad_request", "The form has too many fields or files: send one clip.", 400
        )
    return ClipRejected(
        "bad_request", "The upload could not be read: it is not a well-formed form.", 400
    )


def _checked_body(request: HttpRequest) -> HttpRequest:
    """``request`` once its body is known to be bounded and readable as a form.

    The declared size is checked before the body is read. A body without a declared length
    (chunked) is refused: Django would read it as empty.
    """
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        raise ClipRejected(
            "length_required",
            "Send the clip with its length (Content-Length): chunked uploads are not accepted.",
            411,
        )
    declared_bytes = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared_bytes > settings.KAZOOM_MAX_CLIP_BYTES + OTHER_FIELDS_BYTES:
        raise _too_big(declared_bytes)
    try:
        request.FILES  # noqa: B018 - parses the body, which may fail
    except UNREADABLE_FORM as error:
        raise form_refusal(error) from error
    return request


def _recognize(request: HttpRequest, *, explain: bool) -> Recognition:
    upload = _checked_body(request).FILES.get("audio")
    if upload is None:
        raise ClipRejected("no_file", "No audio was sent: choose a file or use Listen.", 400)
    if upload.size is not None and upload.size > settings.KAZOOM_MAX_CLIP_BYTES:
        raise _too_big(upload.size)
    # Django keeps an upload as bytes, in memory or in a temporary file.
    audio = cast(BinaryIO, upload.file)
    try:
        return recognize(audio, store=fingerprint_store(), config=engine_config(), explain=explain)
    except AudioError as error:
        raise ClipRejected(error.code, str(error), 400) from error


def _too_big(size_bytes: int) -> ClipRejected:
    return ClipRejected(
        "too_big",
        f"The file is {filesizeformat(size_bytes)}; clips of up to {clip_size_limit()} are "
        "accepted. A few seconds of audio is enough.",
        413,
    )


def _log_recognition(
    source: Source,
    result: Recognition,
    interim: bool,
    finder: Finder | None,
    pictures: MatchPictures | None,
) -> RecognitionAttempt | None:
    match = result.match
    return _log_attempt(
        browser_id=finder.browser_id if finder else "",
        user_id=finder.user_id if finder else None,
        source=source,
        outcome=Outcome.MATCH if match else Outcome.PENDING if interim else Outcome.NO_MATCH,
        clip_seconds=result.query_seconds,
        song=match.song if match else None,
        confidence=match.confidence if match else None,
        offset_seconds=match.offset_seconds if match else None,
        aligned_matches=match.aligned_matches if match else None,
        share_token=new_share_token() if match else None,
        card_pictures=packed_pictures(pictures) if pictures else None,
        runners_up=kept_runners_up(result.runners_up) if match else [],
        elapsed_ms=result.elapsed_ms,
    )


def _log_failure(source: Source, code: str) -> None:
    _log_attempt(source=source, outcome=Outcome.ERROR, error_code=code)


def _log_attempt(**fields: object) -> RecognitionAttempt | None:
    """Log an attempt; a catalog that cannot be written (a full disk) costs the log entry,
    never the answer."""
    try:
        with transaction.atomic():
            return RecognitionAttempt.objects.create(**fields)
    except DatabaseError:
        logger.exception("the recognition attempt could not be logged")
        return None
