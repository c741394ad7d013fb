"""``manage.py index_songs``: files and folders into the catalog, with a summary."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import Artist, Song
from fingerprints.models import FingerprintedSong
from fingerprints.store import FingerprintStore
from testsupport.badfiles import BAD_FILES, silent_wav
from testsupport.codecs import write_audio
from testsupport.commands import database_snapshot, logged_sql_characters, run_command
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.music import SAMPLE_RATE, synth_song

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def test_indexes_a_folder_with_metadata_from_tags(
    song_library: SongLibrary, store: FingerprintStore
) -> None:
    run = run_command("index_songs", str(song_library.folder))

    assert run.exit_code == 0, run.stderr
    assert "5 song(s) indexed" in run.stdout
    for expected in song_library.songs:
        song = Song.objects.get(title=expected.title)
        assert song.artist.name == expected.artist
        assert song.album is not None and song.album.title == expected.album
        assert song.duration_seconds == pytest.approx(30.0, abs=0.05)
        assert song.source_path == os.path.abspath(expected.path)
        assert len(song.content_sha256) == 64
        assert song.indexed_at is not None
        assert song.fingerprint_count > 1000
    assert set(FingerprintedSong.objects.values_list("song_id", flat=True)) == set(
        Song.objects.values_list("pk", flat=True)
    )
    assert store.count() == sum(Song.objects.values_list("fingerprint_count", flat=True))


def test_a_bulk_run_leaves_the_store_compact(
    song_library: SongLibrary, store: FingerprintStore
) -> None:
    run = run_command("index_songs", str(song_library.folder))
    assert run.exit_code == 0, run.stderr
    size = store.size_bytes()

    store.compact()

    assert store.size_bytes() == size


def test_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "night_drive.wav", synth_song(11, seconds=15), SAMPLE_RATE)

    run = run_command("index_songs", str(path))

    assert run.exit_code == 0, run.stderr
    song = Song.objects.get()
    assert (song.title, song.artist.name, song.album) == ("night drive", "Unknown artist", None)


def test_a_broken_tag_falls_back_to_the_file_name_and_says_so(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "broken_tag.mp3", synth_song(12, seconds=15), SAMPLE_RATE)
    # A 32-byte ID3v2 tag of a version that does not exist: mutagen refuses it, the audio is fine.
    broken_tag = b"ID3\xff\x00\x00\x00\x00\x00\x20" + b"\x00" * 32
    path.write_bytes(broken_tag + path.read_bytes())

    run = run_command("index_songs", str(path))

    assert run.exit_code == 0, run.stderr
    assert "tags could not be read" in run.stdout
    assert Song.objects.get().title == "broken tag"


def test_skips_files_already_indexed_and_reindexes_on_request(
    song_library: SongLibrary, store: FingerprintStore
) -> None:
    run_command("index_songs", str(song_library.folder))
    before = database_snapshot()

    again = run_command("index_songs", str(song_library.folder))
    assert again.exit_code == 0
    assert again.stdout.count("skipped:") == 5
    assert database_snapshot() == before

    forced = run_command("index_songs", "--reindex", str(song_library.songs[0].path))
    assert forced.exit_code == 0
    song = Song.objects.get(title=song_library.songs[0].title)
    assert Song.objects.count() == 5
    songs_before = before["songs"]
    assert isinstance(songs_before, list) and song.indexed_at is not None
    assert song.indexed_at > next(s[3] for s in songs_before if s[0] == song.pk)
    assert store.count() == sum(Song.objects.values_list("fingerprint_count", flat=True))


def test_the_same_file_twice_in_one_run_is_indexed_once(tmp_path: Path) -> None:
    first = write_audio(tmp_path / "a.flac", synth_song(13, seconds=12), SAMPLE_RATE)
    shutil.copy(first, tmp_path / "copy_of_a.flac")

    run = run_command("index_songs", str(tmp_path))

    assert run.exit_code == 0
    assert Song.objects.count() == 1
    assert "skipped:" in run.stdout


def test_parallel_workers_store_the_same_fingerprints(song_library: SongLibrary) -> None:
    run_command("index_songs", "--workers", "2", str(song_library.folder))
    parallel = database_snapshot()["fingerprints"]
    Song.objects.all().delete()
    assert database_snapshot()["fingerprints"] == []

    run_command("index_songs", "--workers", "1", str(song_library.folder))
    serial = database_snapshot()["fingerprints"]

    assert isinstance(serial, list) and isinstance(parallel, list)

    by_title = dict(Song.objects.values_list("pk", "title"))
    assert len(serial) == len(parallel) > 0
    assert sorted((h, bytes(f)) for h, _, f in serial) == sorted(
        (h, bytes(f)) for h, _, f in parallel
    )
    assert len(by_title) == 5


@pytest.mark.parametrize("kind", [*BAD_FILES, "silence"])
def test_a_bad_file_is_named_with_its_reason_and_changes_nothing(
    kind: str, tmp_path: Path, song_library: SongLibrary
) -> None:
    run_command("index_songs", str(song_library.songs[0].path))
    before = database_snapshot()
    make, reason = BAD_FILES.get(kind, (silent_wav, "no usable sound"))
    bad = make(tmp_path)

    run = run_command("index_songs", str(bad))

    assert run.exit_code == 1
    assert f"error: {bad}: " in run.stderr
    assert reason in run.stderr
    assert database_snapshot() == before


def test_bad_files_do_not_stop_the_good_ones(tmp_path: Path, song_library: SongLibrary) -> None:
    bad = [make(tmp_path) for make, _ in BAD_FILES.values()]

    run = run_command("index_songs", *map(str, bad), str(song_library.folder))

    assert run.exit_code == 1
    assert Song.objects.count() == 5
    assert run.stderr.count("error: ") == len(bad)
    assert f"{len(bad)} failed" in run.stdout


def test_song_id_fingerprints_a_song_entered_in_the_admin(
    song_library: SongLibrary, store: FingerprintStore
) -> None:
    song = Song.objects.create(title="Entered by hand", artist=Artist.objects.create(name="Me"))

    first = run_command("index_songs", "--song-id", str(song.pk), str(song_library.songs[0].path))
    assert first.exit_code == 0, first.stderr
    song.refresh_from_db()
    assert (song.title, song.artist.name) == ("Entered by hand", "Me")
    assert song.fingerprint_count > 0
    assert FingerprintedSong.objects.get().song_id == song.pk

    second = run_command("index_songs", "--song-id", str(song.pk), str(song_library.songs[1].path))
    assert second.exit_code == 0, second.stderr
    song.refresh_from_db()
    assert song.source_path == os.path.abspath(song_library.songs[1].path)
    assert store.count() == song.fingerprint_count
    assert Song.objects.count() == 1


def test_song_id_refuses_an_unknown_song_and_a_file_indexed_as_another(
    song_library: SongLibrary,
) -> None:
    run_command("index_songs", str(song_library.songs[0].path))
    other = Song.objects.create(title="Other", artist=Artist.objects.create(name="X"))
    before = database_snapshot()

    unknown = run_command("index_songs", "--song-id", "999", str(song_library.songs[1].path))
    taken = run_command("index_songs", "--song-id", str(other.pk), str(song_library.songs[0].path))

    assert unknown.exit_code == 1 and "no song with id 999" in unknown.stderr
    assert taken.exit_code == 1 and "already indexed as song" in taken.stderr
    assert database_snapshot() == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_progress_bar_redraws_in_place_below_the_lines(tmp_path: Path) -> None:
    for seed in (14, 15):
        write_audio(tmp_path / f"song{seed}.flac", synth_song(seed, seconds=8), SAMPLE_RATE)
    out, err = _Terminal(), _Terminal()

    call_command("index_songs", str(tmp_path), stdout=out, stderr=err)

    assert out.getvalue().count("indexed: ") == 2
    bar = err.getvalue()
    assert "\rindexing: 100%" in bar and "2/2" in bar
    assert bar.count("\n") == 1  # the bar's redraws add no lines; it ends with one


def test_with_debug_on_the_query_log_holds_one_file_s_statements(
    song_library: SongLibrary, settings: Any
) -> None:
    """The README's default run has DEBUG on, under which Django logs every statement until
    a request ends: a library's run would hold every song's fingerprints as SQL text."""
    settings.DEBUG = True
    first, *others = [str(song.path) for song in song_library.songs]
    assert run_command("index_songs", first).exit_code == 0
    one_file = logged_sql_characters()

    assert run_command("index_songs", *others).exit_code == 0

    assert 0 < logged_sql_characters() < 2 * one_file
