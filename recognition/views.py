"""The recognition page, the catalog page and the JSON API. Views parse, call one service,
render."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from catalog.models import Song
from fingerprints.wiring import engine_config, fingerprint_store

from .charts import constellation_svg, offset_histogram_svg
from .intake import (
    ClipLimits,
    ClipRejected,
    Source,
    log_failure,
    recognize_clip,
    refuse_declared_size,
)
from .presenters import (
    ERROR_HEADLINES,
    ERROR_HINTS,
    confidence_words,
    recognition_json,
)
from .services import Recognition

logger = logging.getLogger(__name__)
SONGS_PER_PAGE = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/home.html", {"max_mb": _limits().max_bytes // 10**6})


@require_POST
def recognize_page(request: HttpRequest) -> HttpResponse:
    """Recognise an uploaded or recorded clip; htmx gets the result card, others the page.

    htmx responses also carry a ``kazoom:outcome`` event (match, no-match, pending or error)
    that the microphone script listens for.
    """
    source = Source.MICROPHONE if request.POST.get("source") == "microphone" else Source.UPLOAD
    template = "recognition/_result.html" if request.htmx else "recognition/home.html"
    try:
        result = _recognize(request, source)
    except ClipRejected as rejection:
        context, status, outcome = _error_context(rejection), rejection.status, "error"
    else:
        context, status = _result_context(result), 200
        context["interim"] = source == Source.MICROPHONE and request.POST.get("interim") == "1"
        outcome = "match" if result.match else "pending" if context["interim"] else "no-match"
    context["max_mb"] = _limits().max_bytes // 10**6
    response = render(request, template, context, status=status)
    if request.htmx:
        trigger_client_event(response, "kazoom:outcome", {"outcome": outcome}, after="swap")
    return response


@csrf_exempt
@require_POST
def recognize_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/recognize`` with multipart field ``audio``: the ``recognize --json`` shape,
    less server paths."""
    try:
        result = _recognize(request, Source.API)
    except ClipRejected as rejection:
        body = {"error": {"code": rejection.code, "message": rejection.message}}
        return JsonResponse(body, status=rejection.status)
    return JsonResponse(recognition_json(result, with_paths=False))


@require_GET
def songs(request: HttpRequest) -> HttpResponse:
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


def _recognize(request: HttpRequest, source: str) -> Recognition:
    limits = _limits()
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    refuse_declared_size(declared, source=source, limits=limits)
    config = engine_config()
    try:
        return recognize_clip(
            request.FILES.get("audio"),
            source=source,
            limits=limits,
            store=fingerprint_store(),
            config=config,
            explain=source != Source.API,
        )
    except ClipRejected:
        raise
    except Exception as error:
        logger.exception("recognition failed")
        log_failure(source, "server_error")
        raise ClipRejected("server_error", "The recognition could not finish.", 500) from error


def _limits() -> ClipLimits:
    return ClipLimits(max_bytes=settings.KAZOOM_MAX_CLIP_BYTES)


def _error_context(rejection: ClipRejected) -> dict[str, object]:
    return {
        "error": {
            "code": rejection.code,
            "headline": ERROR_HEADLINES.get(rejection.code, "That clip could not be used"),
            "message": rejection.message,
            "hint": ERROR_HINTS.get(rejection.code, ""),
        }
    }


def _result_context(result: Recognition) -> dict[str, object]:
    context: dict[str, object] = {"result": result}
    if result.match is not None:
        context["confidence_words"] = confidence_words(result.match.confidence)
        context["confidence_percent"] = round(result.match.confidence * 100)
    if result.evidence is not None:
        context["constellation_svg"] = constellation_svg(result.evidence)
        context["histogram_svg"] = offset_histogram_svg(result.evidence)
    return context
