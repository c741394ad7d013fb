"""End to end: index synthetic songs, mix excerpts of them into a DJ set, and read its
timeline back with ``manage.py timeline``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from catalog.models import Song
from testsupport.badfiles import BAD_FILES
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.mixes import Excerpt, Played, mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

#: Seconds a boundary or a place in a song may be off.
BOUNDARY_SECONDS = 2.0


def dj_set(library: SongLibrary) -> tuple[list[Excerpt], str]:
    """Song 1, crossfaded into song 2, a song the catalog does not know, song 3 played 7 %
    fast, and song 1 again; and the stranger's label."""
    songs = library.songs
    return [
        Excerpt(songs[0].samples, 2.0, 24.0, songs[0].title),
        Excerpt(songs[1].samples, 3.0, 24.0, songs[1].title, crossfade_seconds=4.0),
        Excerpt(library.stranger, 5.0, 20.0, None),
        Excerpt(songs[2].samples, 4.0, 25.0, songs[2].title, speed=1.07),
        Excerpt(songs[0].samples, 10.0, 18.0, songs[0].title),
    ], "stranger"


def _timeline_json(*paths: Path) -> tuple[int, list[dict]]:
    run = run_command("timeline", "--json", *map(str, paths))
    return run.exit_code, [json.loads(line) for line in run.stdout.splitlines()]


def _write_set(library: SongLibrary, path: Path, bitrate: int | None = None) -> list[Played]:
    excerpts, _ = dj_set(library)
    samples, truth = mix(excerpts, library.sample_rate)
    write_audio(path, samples, library.sample_rate, bitrate=bitrate)
    return truth


@pytest.mark.parametrize(
    "suffix, bitrate", [(".wav", None), (".mp3", 128_000), (".opus", None)], ids=str
)
def test_each_song_of_a_mix_is_a_segment_with_its_boundaries_and_the_unknown_a_gap(
    indexed: SongLibrary, tmp_path: Path, suffix: str, bitrate: int | None
) -> None:
    truth = _write_set(indexed, tmp_path / f"set{suffix}", bitrate)

    exit_code, [result] = _timeline_json(tmp_path / f"set{suffix}")

    assert exit_code == 0
    known = [played for played in truth if played.label is not None]
    segments = result["segments"]
    assert [s["title"] for s in segments] == [played.label for played in known]
    for segment, played in zip(segments, known):
        for field, expected in [
            ("from_seconds", played.from_seconds),
            ("to_seconds", played.to_seconds),
            ("song_from_seconds", played.song_from_seconds),
            ("song_to_seconds", played.song_to_seconds),
        ]:
            assert segment[field] == pytest.approx(expected, abs=BOUNDARY_SECONDS), (
                f"{played.label} {field}"
            )
        assert segment["speed"] == pytest.approx(played.speed, abs=0.006)
    [unknown] = [played for played in truth if played.label is None]
    assert segments[1]["to_seconds"] <= unknown.from_seconds + BOUNDARY_SECONDS
    assert segments[2]["from_seconds"] >= unknown.to_seconds - BOUNDARY_SECONDS


def test_json_has_the_documented_shape(indexed: SongLibrary, tmp_path: Path) -> None:
    truth = _write_set(indexed, tmp_path / "set.wav")

    _, [result] = _timeline_json(tmp_path / "set.wav")

    assert set(result) == {"path", "duration_seconds", "segments", "elapsed_ms"}
    assert result["path"] == str(tmp_path / "set.wav")
    assert result["duration_seconds"] == pytest.approx(truth[-1].to_seconds, abs=0.05)
    assert result["elapsed_ms"] > 0
    first = result["segments"][0]
    song = Song.objects.get(title=truth[0].label)
    assert first == {
        "from_seconds": first["from_seconds"],
        "to_seconds": first["to_seconds"],
        "song_id": song.pk,
        "title": song.title,
        "artist": song.artist.name,
        "album": "Synthetic",
        "song_from_seconds": first["song_from_seconds"],
        "song_to_seconds": first["song_to_seconds"],
        "confidence": first["confidence"],
        "speed": 1.0,
    }
    assert 0.5 < first["confidence"] <= 1.0
    times = [t for s in result["segments"] for t in (s["from_seconds"], s["to_seconds"])]
    assert times == sorted(times)


def test_readable_output_is_a_line_per_segment_and_per_gap(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    _write_set(indexed, tmp_path / "set.wav")

    run = run_command("timeline", str(tmp_path / "set.wav"))

    assert run.exit_code == 0
    header, *lines = run.stdout.splitlines()
    assert header.startswith(f"{tmp_path / 'set.wav'} (00:01:45, ")
    assert [line.split("  ")[1] for line in lines] == [
        "Song 1 — Artist 1",
        "Song 2 — Artist 0",
        "(nothing known)",
        "Song 3 — Artist 1",
        "Song 1 — Artist 1",
    ]
    assert lines[0].startswith("00:00:00–00:00:2")
    assert "(song 0:02–0:2" in lines[0] and ", confidence 0." in lines[0]
    assert ", speed 1.07)" in lines[3]


def test_bad_files_get_their_error_and_the_others_go_on(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    _write_set(indexed, tmp_path / "set.wav")
    bad = {name: make(tmp_path) for name, (make, _) in BAD_FILES.items()}

    run = run_command("timeline", "--json", *map(str, bad.values()), str(tmp_path / "set.wav"))

    assert run.exit_code == 1
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(lines) == len(bad) + 1
    for line, (name, path) in zip(lines, bad.items()):
        assert line["path"] == str(path) and "segments" not in line
        assert BAD_FILES[name][1] in line["error"]["message"]
        assert f"error: {path}: " in run.stderr
    assert "Traceback" not in run.stderr
    assert len(lines[-1]["segments"]) == 4


def test_a_long_recording_shows_its_progress_on_stderr(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    path = write_audio(tmp_path / "quiet.wav", np.zeros(150 * 8000, np.float32), 8000)

    run = run_command("timeline", str(path))

    assert run.exit_code == 0
    assert run.stdout.splitlines()[1:] == ["00:00:00–00:02:30  (nothing known)"]
    assert "quiet.wav: " in run.stderr and "/150 [" in run.stderr
