"""The Content-Security-Policy header on every response, from ``CONTENT_SECURITY_POLICY``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: Django's own page for this status with DEBUG on (the traceback) is styled and scripted
#: inline. A 404 is the site's own page in both modes (``recognition.error_pages``).
DEBUG_PAGE_STATUSES = frozenset({500})


def policy_header(policy: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], ...}`` as the header's value."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response but Django's debug pages: a page may load scripts,
    styles and the rest only from where the policy allows, so a script injected into it does
    not run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code in DEBUG_PAGE_STATUSES):
            response.setdefault("Content-Security-Policy", self.header)
        return response
