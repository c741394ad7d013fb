"""The recognition page, the catalog page and the JSON API. Views parse, call one service,
render."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from catalog.models import Song
from fingerprints.wiring import engine_config

from .intake import (
    UNREADABLE_FORM,
    ClipRejected,
    Source,
    clip_size_limit,
    form_fields,
    form_refusal,
    recognize_clip,
)
from .presenters import error_card, recognition_json, result_card

SONGS_PER_PAGE = 25
#: Where the JSON API's paths start; its errors are answered in its own shape.
API_PREFIX = "/api/"


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware."""

    htmx: HtmxDetails


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/home.html", _home_context())


@require_POST
def recognize_page(request: HtmxHttpRequest) -> HttpResponse:
    """Recognise an uploaded or recorded clip; htmx gets the result card, others the page.

    htmx responses also carry a ``kazoom:outcome`` event (the card shown: match, no-match,
    pending or error) that the microphone script listens for.
    """
    try:
        fields = form_fields(request, Source.UPLOAD)
        source = Source.MICROPHONE if fields.get("source") == "microphone" else Source.UPLOAD
        interim = source == Source.MICROPHONE and fields.get("interim") == "1"
        result = recognize_clip(request, source)
    except ClipRejected as rejection:
        return _page_card(request, error_card(rejection), rejection.status)
    return _page_card(request, result_card(result, interim=interim), 200)


@csrf_exempt
@require_POST
def recognize_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/recognize`` with multipart field ``audio``: the ``recognize --json`` shape,
    less server paths."""
    try:
        result = recognize_clip(request, Source.API)
    except ClipRejected as rejection:
        return _api_error(rejection)
    return JsonResponse(recognition_json(result, with_paths=False))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a request it could not read before a view ran (the CSRF check
    reads the page's form first): for a form that cannot be read, the API's error shape or
    the page's error card; Django's own page for any other bad request."""
    if not isinstance(exception, UNREADABLE_FORM):
        return defaults.bad_request(request, exception)
    rejection = form_refusal(exception)
    if request.path.startswith(API_PREFIX):
        return _api_error(rejection)
    return _page_card(cast(HtmxHttpRequest, request), error_card(rejection), rejection.status)


def _api_error(rejection: ClipRejected) -> JsonResponse:
    body = {"error": {"code": rejection.code, "message": rejection.message}}
    return JsonResponse(body, status=rejection.status)


def _page_card(request: HtmxHttpRequest, context: dict[str, object], status: int) -> HttpResponse:
    """The card alone for htmx, with its ``kazoom:outcome`` event; the whole page otherwise."""
    # A request refused before django-htmx's middleware ran has no ``htmx``.
    if getattr(request, "htmx", False):
        response = render(request, "recognition/_result.html", context, status=status)
        trigger_client_event(response, "kazoom:outcome", {"outcome": context["card"]}, after="swap")
        return response
    return render(request, "recognition/home.html", _home_context() | context, status=status)


@require_GET
def songs(request: HtmxHttpRequest) -> HttpResponse:
    """The catalog, searchable by title, artist and album, a page at a time."""
    query = request.GET.get("q", "").strip()
    found = Song.objects.select_related("artist", "album")
    if query:
        found = found.filter(
            Q(title__icontains=query)
            | Q(artist__name__icontains=query)
            | Q(album__title__icontains=query)
        )
    page = Paginator(found, SONGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "catalog_empty": not Song.objects.exists()}
    template = "recognition/_song_table.html" if request.htmx else "recognition/songs.html"
    return render(request, template, context)


def _home_context() -> dict[str, object]:
    """What the page says of the clips it takes, and tells the microphone script."""
    return {
        "clip_size_limit": clip_size_limit(),
        "min_clip_seconds": engine_config().min_query_seconds,
    }
