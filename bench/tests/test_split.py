"""Which tracks are held out: decided by file names alone."""

from __future__ import annotations

from bench.split import Track, split_tracks


def test_split_depends_on_names_only() -> None:
    tracks = [Track(f"/m/{name}.ogg", 60.0) for name in "abcdefghijklmnopqrst"]
    split = split_tracks(tracks)
    assert len(split.held_out) == 3
    again = split_tracks([Track(t.key.replace("/m/", "/elsewhere/"), 1.0) for t in tracks[::-1]])
    assert sorted(t.key.rsplit("/", 1)[1] for t in again.held_out) == sorted(
        t.key.rsplit("/", 1)[1] for t in split.held_out
    )
