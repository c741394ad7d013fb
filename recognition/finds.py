"""Each person's recent finds: the matches logged for their browser or their account, which
they may clear.

A browser is known by a random id kept in its session, not by the session's key: signing in
gives the session a new key but keeps its data, so finds made before signing in stay the
person's. Clearing dissociates the attempts from the browser and the account instead of
deleting them: the person's link to them is forgotten, and the log the admin reads keeps its
counts of outcomes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from .models import RecognitionAttempt

#: Where a browser's id is kept in its session.
SESSION_FIELD = "kazoom_browser_id"
#: How many finds the home page lists.
RECENT_FINDS = 8


@dataclass(frozen=True)
class Finder:
    """Whose finds: a browser's id ("" for a browser that has none yet) and a signed-in
    user's id."""

    browser_id: str
    user_id: int | None

    def attempts(self) -> QuerySet[RecognitionAttempt]:
        mine = Q(pk__in=[])
        if self.browser_id:
            mine |= Q(browser_id=self.browser_id)
        if self.user_id is not None:
            mine |= Q(user_id=self.user_id)
        return RecognitionAttempt.objects.filter(mine)


def finder_of(request: HttpRequest, *, remember: bool = False) -> Finder:
    """Who sent ``request``; with ``remember``, a browser without an id is given one (which
    starts its session). A request refused before the session and authentication middleware
    ran (a form Django could not read) is nobody's."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    browser_id = session.get(SESSION_FIELD, "") if session is not None else ""
    if not browser_id and remember and session is not None:
        browser_id = secrets.token_hex(16)
        session[SESSION_FIELD] = browser_id
    user_id = user.pk if user is not None and user.is_authenticated else None
    return Finder(browser_id, user_id)


def recent_finds(finder: Finder) -> list[RecognitionAttempt]:
    """The finder's latest matches, newest first, with their songs."""
    matches = finder.attempts().filter(outcome=RecognitionAttempt.Outcome.MATCH, song__isnull=False)
    return list(matches.select_related("song__artist")[:RECENT_FINDS])


def forget_finds(finder: Finder) -> int:
    """Dissociate every attempt of the finder's from its browser and account; how many."""
    return finder.attempts().update(browser_id="", user=None)
