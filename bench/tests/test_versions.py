"""Versions of one piece are found; different pieces are not, and versions stay indexed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.split import Track, split_tracks
from bench.versions import VERSION_SIMILARITY, find_versions
from testsupport.codecs import write_audio
from testsupport.music import SAMPLE_RATE, add_white_noise, synth_song


def test_a_noisy_late_copy_is_a_version_and_another_song_is_not(tmp_path: Path) -> None:
    song = synth_song(5, seconds=20)
    late_noisy = add_white_noise(np.concatenate([np.zeros(SAMPLE_RATE), song]), snr_db=0)
    paths = {
        "song": write_audio(tmp_path / "song.flac", song, SAMPLE_RATE),
        "mix": write_audio(tmp_path / "mix.flac", late_noisy * 0.5, SAMPLE_RATE),
        "other": write_audio(tmp_path / "other.flac", synth_song(6, seconds=20), SAMPLE_RATE),
    }
    tracks = [Track(str(path), 20.0) for path in paths.values()]
    [pair] = find_versions(tracks)
    assert {pair.first, pair.second} == {str(paths["song"]), str(paths["mix"])}
    assert pair.similarity > VERSION_SIMILARITY


def test_versions_are_never_held_out() -> None:
    tracks = [Track(f"/m/{name}.ogg", 60.0) for name in "abcdefghij"]
    usual = split_tracks(tracks).held_out[0].key
    split = split_tracks(tracks, never_held_out={usual})
    assert usual not in {t.key for t in split.held_out}
    assert len(split.held_out) == len(split_tracks(tracks).held_out) == 2
