"""End to end: index synthetic songs, then recognise degraded clips of them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr

from catalog.models import Song
from testsupport.badfiles import BAD_FILES
from testsupport.codecs import write_audio
from testsupport.commands import database_snapshot, logged_sql_characters, run_command
from testsupport.excerpts import cut, write_clip
from testsupport.faults import table_gone
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.music import add_white_noise

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

CLIP_SECONDS = 5.0
#: condition → (file suffix, SNR of added white noise or None, playback speed)
CONDITIONS = {
    "clean": (".wav", None, 1.0),
    "white noise at 5 dB SNR": (".wav", 5.0, 1.0),
    "MP3": (".mp3", None, 1.0),
    "Opus": (".opus", None, 1.0),
    "M4A (AAC)": (".m4a", None, 1.0),
    "WebM (Opus)": (".webm", None, 1.0),
    "played 3 % fast": (".wav", None, 1.03),
    "played 5 % slow": (".wav", None, 0.95),
}


def _recognize_json(*paths: Path) -> tuple[int, list[dict]]:
    run = run_command("recognize", "--json", *map(str, paths))
    return run.exit_code, [json.loads(line) for line in run.stdout.splitlines()]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_each_song_is_named_at_its_offset(
    condition: str, indexed: SongLibrary, tmp_path: Path
) -> None:
    suffix, snr, speed = CONDITIONS[condition]
    rng = np.random.default_rng(len(condition))
    clips, expected = [], []
    for n, song in enumerate(indexed.songs):
        start = float(rng.uniform(0, 30 - 1.1 * CLIP_SECONDS))
        clip = cut(song.samples, start, CLIP_SECONDS * speed)
        if speed != 1.0:  # a turntable: tempo and pitch together
            clip = soxr.resample(clip, indexed.sample_rate * speed, indexed.sample_rate)
        if snr is not None:
            clip = add_white_noise(clip, snr, seed=n)
        clips.append(write_audio(tmp_path / f"clip{n}{suffix}", clip, indexed.sample_rate))
        expected.append((song, start))

    exit_code, lines = _recognize_json(*clips)

    assert exit_code == 0
    for line, (song, start) in zip(lines, expected, strict=True):
        assert line["match"] is not None, f"{song.title} at {start:.1f} s not recognised"
        assert line["match"]["title"] == song.title
        assert line["match"]["offset_seconds"] == pytest.approx(start, abs=0.25)


def test_json_lines_have_the_documented_shape(indexed: SongLibrary, tmp_path: Path) -> None:
    song = indexed.songs[2]
    clip = write_clip(tmp_path / "c.wav", song.samples, 11.0)

    _, [line] = _recognize_json(clip)

    assert set(line) == {"path", "match", "elapsed_ms"}
    assert line["path"] == str(clip)
    assert line["elapsed_ms"] > 0
    db_song = Song.objects.get(title=song.title)
    assert line["match"] == {
        "song_id": db_song.pk,
        "title": song.title,
        "artist": song.artist,
        "album": song.album,
        "source_path": os.path.abspath(song.path),
        "confidence": line["match"]["confidence"],
        "offset_seconds": line["match"]["offset_seconds"],
        "aligned_matches": line["match"]["aligned_matches"],
    }
    assert 0.5 < line["match"]["confidence"] <= 1.0
    assert line["match"]["aligned_matches"] >= 10


def test_unknown_song_silence_and_noise_are_no_match(indexed: SongLibrary, tmp_path: Path) -> None:
    rate = indexed.sample_rate
    stranger = cut(indexed.stranger, 8.0, CLIP_SECONDS)
    silence = np.zeros(int(CLIP_SECONDS * rate), np.float32)
    noise = add_white_noise(np.full(int(CLIP_SECONDS * rate), 0.1, np.float32), 0.0, seed=4)
    clips = [
        write_audio(tmp_path / f"{name}.wav", samples, rate)
        for name, samples in [("stranger", stranger), ("silence", silence), ("noise", noise)]
    ]

    exit_code, lines = _recognize_json(*clips)

    assert exit_code == 0
    assert [line["match"] for line in lines] == [None, None, None]


def test_readable_output_names_song_artist_album_and_position(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    song = indexed.songs[0]
    clip = write_clip(tmp_path / "c.wav", song.samples, 14.0)

    run = run_command("recognize", str(clip))

    assert run.exit_code == 0
    assert run.stdout.startswith(f"{clip}: {song.title} — {song.artist} ({song.album}) at 0:14")


def test_bad_files_get_their_error_and_the_others_go_on(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    good = write_clip(tmp_path / "good.wav", indexed.songs[1].samples, 3.0)
    bad = {name: make(tmp_path) for name, (make, _) in BAD_FILES.items()}
    before = database_snapshot()

    run = run_command("recognize", "--json", *map(str, bad.values()), str(good))

    assert run.exit_code == 1
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(lines) == len(bad) + 1
    for line, (name, path) in zip(lines, bad.items()):
        assert line["path"] == str(path) and "match" not in line
        assert BAD_FILES[name][1] in line["error"]["message"]
        assert f"error: {path}: " in run.stderr
    assert lines[-1]["match"]["title"] == indexed.songs[1].title
    assert database_snapshot() == before


def test_a_failing_store_is_each_clip_s_error_and_the_batch_goes_on(
    indexed: SongLibrary, tmp_path: Path
) -> None:
    clips = [write_clip(tmp_path / f"c{i}.wav", indexed.songs[i].samples) for i in range(2)]

    with table_gone("fingerprints", "song_hash"):
        run = run_command("recognize", "--json", *map(str, clips))

    assert run.exit_code == 1
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["path"] for line in lines] == list(map(str, clips))
    assert {line["error"]["code"] for line in lines} == {"unavailable"}
    assert run.stderr.count("error: ") == 2 and "Traceback" not in run.stderr


def test_with_debug_on_the_query_log_holds_one_clip_s_statements(
    indexed: SongLibrary, tmp_path: Path, settings: Any
) -> None:
    """Under DEBUG (the README's default run) a clip's lookups, which spell out its hashes,
    are not kept for the rest of a batch."""
    settings.DEBUG = True
    clips = [
        write_clip(tmp_path / f"clip_{n}.wav", song.samples, 4.0 + n, CLIP_SECONDS)
        for n, song in enumerate(indexed.songs)
    ]
    assert run_command("recognize", str(clips[0])).exit_code == 0
    one_clip = logged_sql_characters()

    assert run_command("recognize", *map(str, clips)).exit_code == 0

    assert 0 < logged_sql_characters() < 2 * one_clip
