"""Whether a client may ask for a recognition or a timeline now: its rate limit
(``KAZOOM_RATE_LIMIT``) and, on the API, its key (``KAZOOM_API_KEY``).

A refused request is answered before its clip is read, and is not logged as an attempt:
logging is what a flood would cost.
"""

from __future__ import annotations

import hmac
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest

from kazoom_site.clients import client_address

from .intake import ClipRejected

logger = logging.getLogger(__name__)

#: The words of each period a rate is given per.
PERIOD_WORDS = {1: "a second", 60: "a minute", 3600: "an hour", 86400: "a day"}


def admit(request: HttpRequest, *, api: bool, counted: bool = True) -> None:
    """Raises ClipRejected when the client has used up its rate (429, with Retry-After), or
    when the ``api`` needs a key it did not send or sent wrong (401). A request that is not
    ``counted`` (a look at a job's progress) is not held to the rate."""
    if counted:
        _check_rate(request)
    if api:
        _check_api_key(request)


def _check_rate(request: HttpRequest) -> None:
    if settings.KAZOOM_RATE_LIMIT is None:
        return
    allowed, period_seconds = settings.KAZOOM_RATE_LIMIT
    now = time.time()
    window = int(now // period_seconds)
    try:
        used = _count(f"kazoom-rate:{client_address(request)}:{window}", period_seconds)
    except DatabaseError:
        logger.exception("the rate limit could not be counted; the request goes on")
        return
    if used > allowed:
        retry_after = math.ceil((window + 1) * period_seconds - now)
        raise ClipRejected(
            "rate_limited",
            f"Your address has used up its recognitions: the limit is {allowed} "
            f"{PERIOD_WORDS[period_seconds]}. Try again in {_wait_words(retry_after)}.",
            429,
            headers={"Retry-After": str(retry_after)},
        )


def _wait_words(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


def _check_api_key(request: HttpRequest) -> None:
    expected = settings.KAZOOM_API_KEY
    if not expected:
        return
    sent = _sent_key(request)
    challenge = {"WWW-Authenticate": 'Bearer realm="Kazoom API"'}
    if sent is None:
        raise ClipRejected(
            "api_key_required",
            "This API needs its key: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
            401,
            headers=challenge,
        )
    # In constant time: how long the comparison takes says nothing of how much of it matched.
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ClipRejected("bad_api_key", "That API key is not the right one.", 401, challenge)


def _sent_key(request: HttpRequest) -> str | None:
    """The key in ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; None without either."""
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def _count(key: str, period_seconds: int) -> int:
    """This request counted in ``key``'s period: how many the client has made in it.

    The cache is in the catalog's SQLite database, whose transactions take its write lock as
    they begin: the read and the write of one count cannot interleave with another's.
    """
    with transaction.atomic():
        used = int(cache.get(key, 0)) + 1
        cache.set(key, used, timeout=period_seconds)
    return used
