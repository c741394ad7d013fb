"""The recognition page, the catalog page and the JSON API. Views parse, call one service,
render."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from catalog.covers import kept_cover
from catalog.models import Song
from fingerprints.wiring import engine_config
from recognition.models import TimelineJob

from .admission import admit
from .error_pages import API_PREFIX, BAD_REQUEST, error_response
from .finds import finder_of, forget_finds, recent_finds
from .intake import (
    UNREADABLE_FORM,
    ClipRejected,
    Source,
    clip_size_limit,
    form_fields,
    form_refusal,
    recognize_clip,
)
from .listing import Sort, column_heads, find_songs
from .presenters import TIMELINE_HINTS, error_card, recognition_json, result_card
from .ranges import ByteRange, Unsatisfiable, requested_range
from .sharing import shared_recognition
from .song_audio import AudioRefused, FilePart, song_audio
from .song_pages import song_page
from .timeline_intake import check_declared_size, read_form, take_recording, timeline_size_limit
from .timeline_jobs import find_job
from .timeline_reports import job_json, table_rows, timeline_csv, timeline_picture

SONGS_PER_PAGE = 25


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware."""

    htmx: HtmxDetails


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/home.html", _home_context(request))


@require_POST
def recognize_page(request: HtmxHttpRequest) -> HttpResponse:
    """Recognise an uploaded or recorded clip; htmx gets the result card, others the page.

    htmx responses also carry a ``kazoom:outcome`` event (the card shown: match, no-match,
    pending or error) that the microphone script listens for, and after a match the person's
    recent finds, swapped in out of band. An uploaded file's card names it.
    """
    named: dict[str, object] = {}
    headers: dict[str, str] = {}
    try:
        admit(request, api=False)
        fields = form_fields(request, Source.UPLOAD)
        source = Source.MICROPHONE if fields.get("source") == "microphone" else Source.UPLOAD
        interim = source == Source.MICROPHONE and fields.get("interim") == "1"
        named = _file_name(request, source)
        finder = finder_of(request, remember=True)
        recognised = recognize_clip(request, source, interim=interim, finder=finder)
    except ClipRejected as rejection:
        context, status, headers = error_card(rejection), rejection.status, rejection.headers
    else:
        token = recognised.attempt.share_token if recognised.attempt else None
        card = result_card(
            recognised.result, interim=interim, share_token=token, pictures=recognised.pictures
        )
        context, status = card, 200
        if recognised.result.match is not None:
            context |= {"recent_finds": recent_finds(finder), "finds_oob": True}
    return _page_card(request, context | named, status, headers)


@require_POST
def clear_finds(request: HtmxHttpRequest) -> HttpResponse:
    """Forget the person's recent finds: htmx gets the emptied list, others the home page."""
    forget_finds(finder_of(request))
    if request.htmx:
        return render(request, "recognition/_recent_finds.html", {"recent_finds": []})
    return redirect("home")


def _file_name(request: HttpRequest, source: Source) -> dict[str, object]:
    """The uploaded file's name for its card (once the form has been read)."""
    upload = request.FILES.get("audio")
    if source != Source.UPLOAD or upload is None:
        return {}
    return {"file_name": upload.name}


@csrf_exempt
@require_POST
def recognize_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/recognize`` with multipart field ``audio``: the ``recognize --json`` shape,
    less server paths."""
    try:
        admit(request, api=True)
        recognised = recognize_clip(request, Source.API)
    except ClipRejected as rejection:
        return _api_error(rejection)
    return JsonResponse(recognition_json(recognised.result, with_paths=False))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a request it could not read before a view ran (the CSRF check
    reads the page's form first): for a form that cannot be read, the API's error shape or
    the page's error card with its code; the site's error page for any other bad request."""
    if not isinstance(exception, UNREADABLE_FORM):
        return error_response(request, BAD_REQUEST)
    rejection = form_refusal(exception)
    if request.path.startswith(API_PREFIX):
        return _api_error(rejection)
    return _page_card(cast(HtmxHttpRequest, request), error_card(rejection), rejection.status)


def _api_error(rejection: ClipRejected) -> JsonResponse:
    body = {"error": {"code": rejection.code, "message": rejection.message}}
    return JsonResponse(body, status=rejection.status, headers=rejection.headers)


def _page_card(
    request: HtmxHttpRequest,
    context: dict[str, object],
    status: int,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The card alone for htmx, with its ``kazoom:outcome`` event; the whole page otherwise."""
    # A request refused before django-htmx's middleware ran has no ``htmx``.
    if getattr(request, "htmx", False):
        response = render(request, "recognition/_card_response.html", context, status=status)
        trigger_client_event(response, "kazoom:outcome", {"outcome": context["card"]}, after="swap")
    else:
        response = render(
            request, "recognition/home.html", _home_context(request) | context, status=status
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@require_GET
@vary_on_headers("HX-Request")
def songs(request: HtmxHttpRequest) -> HttpResponse:
    """The catalog, searchable by title, artist and album, sortable by any column, a page at a
    time.

    htmx's searches, sorts and page turns get the table alone, under the same URL as the whole
    page (hence the ``Vary``, so a browser never shows a cached table as the page); so does
    nothing else, not even htmx restoring a page on Back.
    """
    query = request.GET.get("q", "").strip()
    sort = Sort.parse(request.GET.get("sort", ""))
    page = Paginator(find_songs(query, sort), SONGS_PER_PAGE).get_page(request.GET.get("page"))
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "page": page,
        "query": query,
        "sort": sort,
        "columns": column_heads(query, sort),
        "page_query": urlencode({"q": query, "sort": str(sort)}),
        "catalog_empty": not Song.objects.exists(),
        "partial": partial,
    }
    template = "recognition/_song_table.html" if partial else "recognition/songs.html"
    return render(request, template, context)


#: How long a browser keeps a cover fetched under its current version (``?v=``, which the
#: pages give): a new cover gets a new name, hence a new URL.
COVER_CACHE = "public, max-age=31536000, immutable"
#: Under any other URL, a browser asks again each time (a 304 when its copy is current).
COVER_REVALIDATE = "public, no-cache"


@require_GET
def song_cover(request: HttpRequest, song_id: int) -> HttpResponse:
    """A song's cover art, as the JPEG indexing made of it; 404 for a song without one."""
    song = Song.objects.filter(pk=song_id).first()
    path = kept_cover(song.cover) if song is not None and song.cover else None
    if song is None or path is None:
        raise Http404("no such cover")
    etag = f'"{song.cover}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        try:
            response = HttpResponse(path.read_bytes(), content_type="image/jpeg")
        except OSError as error:
            raise Http404("no such cover") from error
    response["ETag"] = etag
    current = request.GET.get("v") == song.cover_version()
    response["Cache-Control"] = COVER_CACHE if current else COVER_REVALIDATE
    return response


@require_GET
def song(request: HttpRequest, song_id: int) -> HttpResponse:
    """A song's own page: its facts, its cover, how often it was named, and a player for
    those who may play."""
    page = song_page(song_id)
    if page is None:
        return _refusal_page(request, 404, "No such song", "Kazoom has no song by that number.")
    return render(request, "recognition/song.html", {"page": page, "song": page.song})


@require_safe
def song_audio_file(request: HttpRequest, song_id: int) -> HttpResponseBase:
    """The song's indexed file, whole (200) or the one byte range asked for (206); 416 for a
    range past its end; 403, 404 or 410 (its file gone) on the site's page."""
    try:
        audio = song_audio(song_id, request.user)
    except AudioRefused as refusal:
        return _refusal_page(request, refusal.status, refusal.headline, refusal.message)
    try:
        wanted = requested_range(request.headers.get("Range"), audio.size)
    except Unsatisfiable:
        audio.file.close()
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{audio.size}"
        return response
    part = wanted or ByteRange(0, audio.size - 1)
    response = StreamingHttpResponse(
        FilePart(audio.file, part), status=200 if wanted is None else 206
    )
    response["Content-Type"] = audio.media_type
    response["Content-Length"] = str(part.length)
    if wanted is not None:
        response["Content-Range"] = wanted.content_range(audio.size)
    response["Accept-Ranges"] = "bytes"
    # Who may play depends on who asks: no shared cache keeps it.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def shared_result(request: HttpRequest, token: str) -> HttpResponse:
    """A match's permalink: the same card, for anyone who opens it."""
    shared = shared_recognition(token)
    if shared is None:
        return _refusal_page(
            request,
            404,
            "No such result",
            "This link does not lead to a result Kazoom has: it may be mistyped, or its song "
            "may have left the catalog.",
        )
    card = result_card(
        shared.recognition, interim=False, share_token=token, pictures=shared.pictures
    )
    context = card | {"shared": True}
    return render(request, "recognition/shared.html", context)


def _refusal_page(request: HttpRequest, status: int, headline: str, message: str) -> HttpResponse:
    """The site's page for a song that cannot be shown or played, with its status."""
    context = {"headline": headline, "message": message}
    return render(request, "recognition/refusal.html", context, status=status)


def _home_context(request: HttpRequest) -> dict[str, object]:
    """What the page says of the clips it takes, of an empty catalog and of the person's
    recent finds, and tells the microphone script."""
    config = engine_config()
    return {
        "clip_size_limit": clip_size_limit(),
        "min_clip_seconds": config.min_query_seconds,
        "analysis_sample_rate": config.sample_rate,
        "analysed_up_to_hz": config.max_frequency_hz,
        "catalog_empty": not Song.objects.exists(),
        "recent_finds": recent_finds(finder_of(request)),
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def timeline(request: HttpRequest) -> HttpResponse:
    """The page that takes a long recording for its timeline; a recording sent is queued and
    the browser sent on to its job's page, a refusal is this page with its card.

    The declared size is checked, and the form read, before the CSRF check would read it: a
    body over the limit is refused unread, and one that cannot be read gets this page's card.
    """
    if request.method == "GET":
        return _timeline_form(request)
    try:
        admit(request, api=False)
        check_declared_size(request)
        read_form(request)
    except ClipRejected as rejection:
        return _timeline_form(request, rejection)
    return _take_timeline(request)


@csrf_protect
def _take_timeline(request: HttpRequest) -> HttpResponse:
    try:
        job = take_recording(request)
    except ClipRejected as rejection:
        return _timeline_form(request, rejection)
    return redirect("timeline-job", job.public_id)


def _timeline_form(request: HttpRequest, rejection: ClipRejected | None = None) -> HttpResponse:
    context: dict[str, object] = {
        "timeline_size_limit": timeline_size_limit(),
        "max_hours": round(engine_config().max_timeline_seconds / 3600),
    }
    if rejection is None:
        return render(request, "recognition/timeline.html", context)
    context |= error_card(rejection, hints=TIMELINE_HINTS)
    response = render(request, "recognition/timeline.html", context, status=rejection.status)
    for name, value in rejection.headers.items():
        response[name] = value
    return response


@require_GET
@vary_on_headers("HX-Request")
def timeline_job(request: HtmxHttpRequest, job_id: str) -> HttpResponse:
    """A job's page: its progress while it is queued or running (htmx asks for the state
    alone), then its timeline or its failure."""
    job = find_job(job_id)
    if job is None:
        return _no_such_job(request)
    context: dict[str, object] = {"job": job}
    if job.status == TimelineJob.Status.DONE and job.result is not None:
        context |= {"picture": timeline_picture(job.result), "rows": table_rows(job.result)}
    if job.status == TimelineJob.Status.FAILED:
        failure = ClipRejected(job.error_code, job.error_message, 400)
        context |= error_card(failure, hints=TIMELINE_HINTS)
    template = "recognition/_timeline_job.html" if request.htmx else "recognition/timeline_job.html"
    return render(request, template, context)


@require_GET
def timeline_job_csv(request: HttpRequest, job_id: str) -> HttpResponse:
    job = find_job(job_id)
    if job is None or job.result is None:
        return _no_such_job(request)
    response = HttpResponse(timeline_csv(job.result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="timeline.csv"'
    return response


@require_GET
def timeline_job_json(request: HttpRequest, job_id: str) -> HttpResponse:
    job = find_job(job_id)
    if job is None or job.result is None:
        return _no_such_job(request)
    response = JsonResponse(job.result)
    response["Content-Disposition"] = 'attachment; filename="timeline.json"'
    return response


def _no_such_job(request: HttpRequest) -> HttpResponse:
    return _refusal_page(
        request,
        404,
        "No such timeline",
        "This link does not lead to a timeline Kazoom has, or to one that is finished.",
    )


@csrf_exempt
@require_POST
def timeline_api(request: HttpRequest) -> JsonResponse:
    """``POST /api/timeline`` with multipart field ``file``: 202 with the queued job and its
    URL (also as ``Location``)."""
    try:
        admit(request, api=True)
        check_declared_size(request)
        read_form(request)
        job = take_recording(request)
    except ClipRejected as rejection:
        return _api_error(rejection)
    url = request.build_absolute_uri(reverse("api-timeline-job", args=[job.public_id]))
    return JsonResponse({"job": job_json(job, url)}, status=202, headers={"Location": url})


@require_GET
def timeline_job_api(request: HttpRequest, job_id: str) -> JsonResponse:
    """``GET /api/timeline/<id>``: the job's status, progress, and its result once done."""
    try:
        admit(request, api=True, counted=False)
    except ClipRejected as rejection:
        return _api_error(rejection)
    job = find_job(job_id)
    if job is None:
        return _api_error(ClipRejected("no_such_job", "There is no timeline job by that id.", 404))
    return JsonResponse({"job": job_json(job, request.build_absolute_uri())})
