"""The site's answers to requests that fail outside a view's own handling: an unknown URL, a
refused permission or CSRF check, a request Django cannot read, a server error.

Under ``/api/`` they are the API's JSON error shape, to htmx the error card to swap in place,
and otherwise the site's own page, header kept. With DEBUG on, Django would answer an unknown
URL with its technical page instead of ``handler404``; ``NotFoundPageMiddleware`` gives it the
site's page too, so the README's run never shows a page outside the site's look. A server
error with DEBUG on stays Django's traceback page: that is what DEBUG is for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from .presenters import Card

#: Where the JSON API's paths start; its errors are answered in its own shape.
API_PREFIX = "/api/"


@dataclass(frozen=True)
class SiteError:
    """What an error page says: its code (the API's and the card's), status and words."""

    code: str
    status: int
    headline: str
    message: str


NOT_FOUND = SiteError(
    "not_found",
    404,
    "Page not found",
    "Kazoom has no page at this address: it may be mistyped, or what it showed may be gone.",
)
FORBIDDEN = SiteError("forbidden", 403, "Not allowed", "You may not open this page.")
CSRF_FAILED = SiteError(
    "csrf_failed",
    403,
    "This page has expired",
    "The form was sent without the token that shows it came from this page (it may be old, "
    "or cookies may be blocked): reload the page and try again.",
)
BAD_REQUEST = SiteError("bad_request", 400, "Bad request", "Kazoom could not read this request.")
SERVER_ERROR = SiteError(
    "server_error",
    500,
    "Something went wrong on our side",
    "Kazoom could not answer this request. Please try again in a moment.",
)


def error_response(request: HttpRequest, error: SiteError, *, plain: bool = False) -> HttpResponse:
    """``error`` as the API's JSON, the card for htmx, or the site's page; ``plain``: rendered
    without the request's context processors (a server error: nothing that may have failed is
    asked again)."""
    if request.path.startswith(API_PREFIX):
        body = {"error": {"code": error.code, "message": error.message}}
        return JsonResponse(body, status=error.status)
    context: dict[str, object] = {"headline": error.headline, "message": error.message}
    template = "recognition/refusal.html"
    # Read from the header: a request refused before django-htmx's middleware has no ``htmx``.
    if request.headers.get("HX-Request") == "true":
        card = {"code": error.code, "headline": error.headline, "message": error.message}
        context = {"card": Card.ERROR, "error": card}
        template = "recognition/_card_response.html"
    html = render_to_string(template, context, None if plain else request)
    return HttpResponse(html, status=error.status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, NOT_FOUND)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, FORBIDDEN)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, CSRF_FAILED)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, SERVER_ERROR, plain=True)


class NotFoundPageMiddleware:
    """With DEBUG on, the site's 404 page for an unknown URL or a view's ``Http404``.

    It sits inside CommonMiddleware, whose slash-appending redirect still sees the 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and not _resolves(request):
            return page_not_found(request, Resolver404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


def _resolves(request: HttpRequest) -> bool:
    try:
        resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return True
