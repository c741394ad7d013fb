"""The catalog admin: listing, adding songs by upload (queued, then indexed by the queue's task,
run here), re-indexing and deleting them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from catalog.indexing import file_sha256
from catalog.models import Album, Artist, IndexingJob, Song
from fingerprints.config import EngineConfig
from fingerprints.models import FingerprintedSong
from fingerprints.store import FingerprintStore
from recognition.services import recognize
from testsupport.badfiles import BAD_FILES
from testsupport.codecs import write_audio
from testsupport.commands import database_snapshot, run_command
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

SONG_SECONDS = 12.0
CLIP_SECONDS = 5.0
CHANGELIST_URL = "admin:catalog_song_changelist"
ADD_URL = "admin:catalog_song_add"
_BOUNDARY = "KazoomTestBoundary"


@pytest.fixture(autouse=True)
def library(settings: Settings, tmp_path: Path) -> Path:
    """Each test keeps its uploads in a folder of its own."""
    settings.KAZOOM_LIBRARY_DIR = tmp_path / "library"
    return settings.KAZOOM_LIBRARY_DIR


@pytest.fixture
def artist() -> Artist:
    return Artist.objects.create(name="The Testers")


@pytest.fixture
def uploaded_song(admin_client: Client, artist: Artist, tmp_path: Path) -> Song:
    response = _upload(admin_client, reverse(ADD_URL), _fields("First take", artist), 21, tmp_path)
    assert response.status_code == 302, _form_errors(response)
    run_queued_jobs()
    return Song.objects.get()


def _song_file(folder: Path, seed: int, suffix: str = ".flac") -> Path:
    samples = synth_song(seed, seconds=SONG_SECONDS)
    return write_audio(folder / f"song{seed}{suffix}", samples, SAMPLE_RATE)


def _fields(title: str, artist: Artist) -> dict[str, Any]:
    return {"title": title, "artist": artist.pk, "album": ""}


def _post_file(
    client: Client, url: str, fields: dict[str, Any], file_name: str, content: bytes
) -> Response:
    """POST ``fields`` and ``content`` as the audio file, named ``file_name`` verbatim.

    Built by hand because the test client strips any folder from a file's name; a browser
    (or anything pretending to be one) may send whatever name it likes.
    """
    body = encode_multipart(_BOUNDARY, fields).removesuffix(f"--{_BOUNDARY}--\r\n".encode())
    head = (
        f"--{_BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="audio_file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body += head.encode() + content + f"\r\n--{_BOUNDARY}--\r\n".encode()
    return client.post(url, body, content_type=f"multipart/form-data; boundary={_BOUNDARY}")


def _upload(client: Client, url: str, fields: dict[str, Any], seed: int, folder: Path) -> Response:
    path = _song_file(folder, seed)
    return _post_file(client, url, fields, path.name, path.read_bytes())


def _form_errors(response: Response) -> dict[str, list[str]]:
    if response.context is None or "adminform" not in response.context:
        return {}
    return response.context["adminform"].form.errors


def _messages(response: Response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _kept_files(library: Path) -> list[Path]:
    return sorted(library.iterdir()) if library.exists() else []


def _recognised(
    seed: int, start_seconds: float, folder: Path, store: FingerprintStore, config: EngineConfig
) -> Song | None:
    """The song recognised in a 5 s WAV clip of test song ``seed`` from ``start_seconds``."""
    samples = synth_song(seed, seconds=SONG_SECONDS)
    first = int(start_seconds * SAMPLE_RATE)
    clip = samples[first : first + int(CLIP_SECONDS * SAMPLE_RATE)]
    path = write_audio(folder / f"clip{seed}.wav", clip, SAMPLE_RATE)
    match = recognize(path, store=store, config=config).match
    return None if match is None else match.song


# Listing


@pytest.fixture
def small_catalog() -> dict[str, Any]:
    """Two artists; one song indexed and on an album, one entered by hand and not indexed."""
    ada = Artist.objects.create(name="Ada Lovelace")
    bob = Artist.objects.create(name="Bob Dylan")
    album = Album.objects.create(title="Xylophone Days", artist=ada)
    Song.objects.create(
        title="Morning Song",
        artist=ada,
        album=album,
        duration_seconds=187.4,
        indexed_at=timezone.now(),
        fingerprint_count=4321,
    )
    Song.objects.create(title="Evening Song", artist=bob)
    return {"ada": ada, "bob": bob, "album": album}


def test_changelist_shows_duration_fingerprints_and_the_filters(
    admin_client: Client, small_catalog: dict[str, Any]
) -> None:
    response = admin_client.get(reverse(CHANGELIST_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert "3:07" in content and "4321" in content
    for title in ("By artist", "By album", "By indexed"):
        assert title in content


QUERIES: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], set[str]]] = {
    "search by title": (lambda c: {"q": "morning"}, {"Morning Song"}),
    "search by artist": (lambda c: {"q": "Dylan"}, {"Evening Song"}),
    "search by album": (lambda c: {"q": "xylophone"}, {"Morning Song"}),
    "filter by artist": (lambda c: {"artist__id__exact": c["bob"].pk}, {"Evening Song"}),
    "filter by album": (lambda c: {"album__id__exact": c["album"].pk}, {"Morning Song"}),
    "indexed": (lambda c: {"indexed": "yes"}, {"Morning Song"}),
    "not indexed": (lambda c: {"indexed": "no"}, {"Evening Song"}),
}


@pytest.mark.parametrize("query", QUERIES)
def test_changelist_search_and_filters(
    query: str, admin_client: Client, small_catalog: dict[str, Any]
) -> None:
    make_params, expected = QUERIES[query]

    response = admin_client.get(reverse(CHANGELIST_URL), make_params(small_catalog))

    assert response.status_code == 200
    assert {song.title for song in response.context["cl"].result_list} == expected


# Adding by upload


def test_the_add_page_asks_for_the_audio_file(admin_client: Client, artist: Artist) -> None:
    page = admin_client.get(reverse(ADD_URL))
    without_file = admin_client.post(reverse(ADD_URL), _fields("No file", artist))

    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert "Audio file" in page.content.decode()
    assert _form_errors(without_file)["audio_file"] == ["This field is required."]
    assert not Song.objects.exists()


@pytest.mark.parametrize("suffix", [".flac", ".mp3", ".m4a"])
def test_an_uploaded_song_is_fingerprinted_kept_and_then_recognised(
    suffix: str,
    admin_client: Client,
    artist: Artist,
    tmp_path: Path,
    library: Path,
    store: FingerprintStore,
    config: EngineConfig,
) -> None:
    path = _song_file(tmp_path, 22, suffix)

    response = _post_file(
        admin_client, reverse(ADD_URL), _fields("Uploaded", artist), path.name, path.read_bytes()
    )

    assert response.status_code == 302, _form_errors(response)
    assert "is queued for indexing" in " ".join(_messages(response))
    [job] = run_queued_jobs()
    song = Song.objects.get()
    assert job.song == song
    [kept] = _kept_files(library)
    assert re.fullmatch(r"[0-9a-f]{32}", kept.name)
    assert (song.title, song.artist) == ("Uploaded", artist)
    assert song.source_path == str(kept)
    assert song.content_sha256 == file_sha256(path) == file_sha256(kept)
    assert song.duration_seconds == pytest.approx(SONG_SECONDS, abs=0.1)
    assert song.fingerprint_count > 0
    assert FingerprintedSong.objects.get().song_id == song.pk
    assert store.count() == song.fingerprint_count
    assert _recognised(22, 4.0, tmp_path, store, config) == song


@pytest.mark.parametrize("file_name", ["../../etc/evil.flac", "..\\..\\evil.flac", "/etc/passwd"])
def test_the_name_the_browser_sends_never_picks_the_stored_path(
    file_name: str, admin_client: Client, artist: Artist, tmp_path: Path, library: Path
) -> None:
    source = _song_file(tmp_path, 23)

    response = _post_file(
        admin_client, reverse(ADD_URL), _fields("Evil", artist), file_name, source.read_bytes()
    )

    assert response.status_code == 302, _form_errors(response)
    run_queued_jobs()
    [kept] = _kept_files(library)
    assert re.fullmatch(r"[0-9a-f]{32}", kept.name)
    assert Song.objects.get().source_path == str(kept)
    assert set(tmp_path.rglob("*")) == {source, library, kept}
    assert not (library / "../../etc/evil.flac").exists()


def _too_large(folder: Path) -> Path:
    """A good song of 1.3 MB, over the limit the test sets."""
    return write_audio(folder / "long.wav", synth_song(24, seconds=30), SAMPLE_RATE)


#: Refused by what the request can tell (a truncated file or silence passes its header, and its
#: job fails: test_indexing_jobs.py).
BAD_UPLOADS = {
    **{k: case for k, case in BAD_FILES.items() if k not in ("missing path", "truncated file")},
    "too large": (_too_large, "the largest song file accepted is"),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_a_bad_file_is_refused_and_nothing_is_kept(
    kind: str,
    admin_client: Client,
    artist: Artist,
    uploaded_song: Song,
    tmp_path: Path,
    library: Path,
    settings: Settings,
) -> None:
    settings.KAZOOM_MAX_SONG_BYTES = 1_000_000
    make, reason = BAD_UPLOADS[kind]
    bad = make(tmp_path)
    before, kept_before = database_snapshot(), _kept_files(library)

    response = _post_file(
        admin_client, reverse(ADD_URL), _fields("Bad", artist), bad.name, bad.read_bytes()
    )

    assert response.status_code == 200
    [error] = _form_errors(response)["audio_file"]
    assert reason.lower() in error.lower()
    assert database_snapshot() == before
    assert _kept_files(library) == kept_before == [Path(uploaded_song.source_path)]
    assert IndexingJob.objects.count() == 1  # the uploaded song's


def test_a_file_indexed_as_another_song_is_refused_naming_that_song(
    admin_client: Client, artist: Artist, uploaded_song: Song, tmp_path: Path, library: Path
) -> None:
    before = database_snapshot()

    response = _upload(admin_client, reverse(ADD_URL), _fields("Copy", artist), 21, tmp_path)

    [error] = _form_errors(response)["audio_file"]
    assert error == f"This file is already indexed as song {uploaded_song.pk} ({uploaded_song})."
    assert database_snapshot() == before
    assert _kept_files(library) == [Path(uploaded_song.source_path)]


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError("disk full")


def test_an_error_while_checking_keeps_nothing(
    admin_client: Client,
    artist: Artist,
    tmp_path: Path,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("catalog.indexing.file_sha256", _disk_full)
    before = database_snapshot()

    with pytest.raises(OSError, match="disk full"):
        _upload(admin_client, reverse(ADD_URL), _fields("Doomed", artist), 25, tmp_path)

    assert database_snapshot() == before
    assert _kept_files(library) == [] and not IndexingJob.objects.exists()


def test_an_error_while_saving_fails_the_job_and_keeps_nothing(
    admin_client: Client,
    artist: Artist,
    tmp_path: Path,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("fingerprints.store.FingerprintStore.stage", _disk_full)
    before = database_snapshot()
    _upload(admin_client, reverse(ADD_URL), _fields("Doomed", artist), 25, tmp_path)

    with pytest.raises(OSError, match="disk full"):
        run_queued_jobs()

    assert database_snapshot() == before
    assert _kept_files(library) == []
    job = IndexingJob.objects.get()
    assert job.status == IndexingJob.Status.FAILED
    assert job.error_message == "It could not be stored (OSError: disk full)."


# Changing


def test_a_new_file_replaces_the_songs_fingerprints_and_its_old_file(
    admin_client: Client,
    artist: Artist,
    uploaded_song: Song,
    tmp_path: Path,
    library: Path,
    store: FingerprintStore,
    config: EngineConfig,
) -> None:
    url = reverse("admin:catalog_song_change", args=[uploaded_song.pk])

    renamed = admin_client.post(url, _fields("Second take", artist))
    song = Song.objects.get()
    assert renamed.status_code == 302, _form_errors(renamed)
    assert song.title == "Second take"
    assert song.source_path == uploaded_song.source_path
    assert store.count() == song.fingerprint_count == uploaded_song.fingerprint_count

    replaced = _upload(admin_client, url, _fields("Third take", artist), 26, tmp_path)
    assert replaced.status_code == 302, _form_errors(replaced)
    assert Song.objects.get().title == "Second take"
    run_queued_jobs()
    song = Song.objects.get()
    assert song.title == "Third take"
    assert _kept_files(library) == [Path(song.source_path)] != [Path(uploaded_song.source_path)]
    assert FingerprintedSong.objects.get().song_id == song.pk
    assert store.count() == song.fingerprint_count
    assert _recognised(26, 3.0, tmp_path, store, config) == song
    assert _recognised(21, 3.0, tmp_path, store, config) is None


# Re-indexing and deleting


@pytest.fixture
def indexed_songs(tmp_path: Path) -> list[Song]:
    """Three songs indexed from files of their own with index_songs."""
    folder = tmp_path / "music"
    folder.mkdir()
    for seed in (31, 32, 33):
        _song_file(folder, seed)
    assert run_command("index_songs", str(folder)).exit_code == 0
    return list(Song.objects.order_by("title"))


def test_reindex_action_queues_each_song_and_its_job_says_each_failure(
    admin_client: Client, indexed_songs: list[Song], store: FingerprintStore
) -> None:
    present, gone, _ = indexed_songs
    Path(gone.source_path).unlink()
    never = Song.objects.create(title="Never indexed", artist=present.artist)
    before = database_snapshot()

    response = admin_client.post(
        reverse(CHANGELIST_URL),
        {"action": "reindex_selected", "_selected_action": [present.pk, gone.pk, never.pk]},
    )

    assert response.status_code == 302
    jobs_url = reverse("admin:catalog_indexingjob_changelist")
    assert _messages(response) == [
        "3 song(s) queued for re-indexing from their files. "
        f'Follow them on <a href="{jobs_url}">the indexing jobs page</a>.'
    ]
    assert database_snapshot() == before
    jobs = run_queued_jobs()
    assert {job.song: (job.status, job.error_message) for job in jobs} == {
        present: ("done", ""),
        gone: ("failed", "No such file."),
        never: ("failed", "No such file."),
    }
    present_after, gone_after = Song.objects.get(pk=present.pk), Song.objects.get(pk=gone.pk)
    assert present_after.indexed_at is not None and present.indexed_at is not None
    assert present_after.indexed_at > present.indexed_at
    assert gone_after.indexed_at == gone.indexed_at
    assert set(FingerprintedSong.objects.values_list("song_id", flat=True)) == {
        song.pk for song in indexed_songs
    }
    assert store.count() == sum(Song.objects.values_list("fingerprint_count", flat=True))


def _delete_one(client: Client, songs: list[Song]) -> Response:
    url = reverse("admin:catalog_song_delete", args=[songs[0].pk])
    return client.post(url, {"post": "yes"})


def _delete_two_in_bulk(client: Client, songs: list[Song]) -> Response:
    selected = [song.pk for song in songs[:2]]
    return client.post(
        reverse(CHANGELIST_URL),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )


@pytest.mark.parametrize("delete", [_delete_one, _delete_two_in_bulk])
def test_deleting_songs_removes_their_fingerprints(
    delete: Callable[[Client, list[Song]], Response],
    admin_client: Client,
    indexed_songs: list[Song],
    store: FingerprintStore,
) -> None:
    response = delete(admin_client, indexed_songs)

    assert response.status_code == 302
    remaining = set(Song.objects.values_list("pk", flat=True))
    assert 0 < len(remaining) < len(indexed_songs)
    assert set(FingerprintedSong.objects.values_list("song_id", flat=True)) == remaining
    assert store.count() == sum(s.fingerprint_count for s in indexed_songs if s.pk in remaining)


def test_deleting_an_uploaded_song_removes_its_kept_file_only(
    admin_client: Client, uploaded_song: Song, indexed_songs: list[Song], library: Path
) -> None:
    from_music_folder = next(s for s in indexed_songs if s.pk != uploaded_song.pk)
    assert len(_kept_files(library)) == 1

    _delete_one(admin_client, [uploaded_song])
    _delete_one(admin_client, [from_music_folder])

    assert _kept_files(library) == []
    assert Path(from_music_folder.source_path).is_file()  # someone's music stays where it is


# Artists and albums


def test_artist_and_album_pages_list_their_songs(
    admin_client: Client, small_catalog: dict[str, Any]
) -> None:
    ada, album = small_catalog["ada"], small_catalog["album"]
    Song.objects.create(title="Noon Song", artist=ada)
    morning = Song.objects.get(title="Morning Song")

    artists = admin_client.get(reverse("admin:catalog_artist_changelist"))
    artist_page = admin_client.get(reverse("admin:catalog_artist_change", args=[ada.pk]))
    album_page = admin_client.get(reverse("admin:catalog_album_change", args=[album.pk]))

    counts = {a.name: (a.album_count, a.song_count) for a in artists.context["cl"].result_list}
    assert counts == {"Ada Lovelace": (1, 2), "Bob Dylan": (0, 1)}
    assert _inline_songs(artist_page) == ["Morning Song — Ada Lovelace", "Noon Song — Ada Lovelace"]
    assert _inline_songs(album_page) == ["Morning Song — Ada Lovelace"]
    song_url = reverse("admin:catalog_song_change", args=[morning.pk])
    assert song_url in artist_page.content.decode() and song_url in album_page.content.decode()


def _inline_songs(response: Response) -> list[str]:
    """The songs an inline lists; it offers no empty forms to add one."""
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.extra_forms == [] and not inline.has_add_permission
    return [str(form.instance) for form in inline.formset.forms]


def test_inline_songs_are_shown_read_only(
    admin_client: Client, small_catalog: dict[str, Any]
) -> None:
    page = admin_client.get(reverse("admin:catalog_artist_change", args=[small_catalog["ada"].pk]))

    content = page.content.decode()
    assert "3:07" in content
    assert 'name="songs-0-title"' not in content


@pytest.mark.parametrize(
    ("field", "term", "expected"),
    [("artist", "ada", "Ada Lovelace"), ("album", "xylo", "Xylophone Days (Ada Lovelace)")],
)
def test_the_song_form_pickers_search_as_you_type(
    admin_client: Client, small_catalog: dict[str, Any], field: str, term: str, expected: str
) -> None:
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "catalog", "model_name": "song", "field_name": field, "term": term},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [expected]
