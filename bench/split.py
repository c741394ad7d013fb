"""The music folder, split once and for all into tracks that are indexed and tracks held out.

A track's side depends on its file name (a SHA-256 of it), never on the seed or the file
order: the same track stays held out from run to run. Tracks that are versions of another
(``bench.versions``) are never held out, since a clip of one rightly matches the other.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import soundfile as sf

#: About one track in seven is never indexed: queries from it must come back as no match.
HELD_OUT_SHARE = 0.15


@dataclass(frozen=True)
class Track:
    """An audio file of the music folder. ``key`` is its absolute path as named (symbolic
    links not followed), which is how every system reports the song it found."""

    key: str
    duration_seconds: float

    @property
    def path(self) -> Path:
        return Path(self.key)


@dataclass(frozen=True)
class Split:
    indexed: list[Track]
    held_out: list[Track]

    @property
    def indexed_seconds(self) -> float:
        return sum(track.duration_seconds for track in self.indexed)


def find_tracks(music_dir: Path, extensions: Collection[str]) -> list[Track]:
    """Every file under ``music_dir`` whose suffix is in ``extensions``, sorted by path."""
    paths = sorted(p for p in music_dir.rglob("*") if p.suffix.lower() in extensions)
    return [Track(os.path.abspath(path), probe_seconds(path)) for path in paths if path.is_file()]


def probe_seconds(path: Path) -> float:
    """The duration a file's header declares, in seconds, without decoding it."""
    try:
        return float(sf.info(str(path)).duration)
    except sf.LibsndfileError:
        with av.open(str(path)) as container:
            if container.duration is None:
                raise ValueError(f"{path} declares no duration") from None
            return float(container.duration / av.time_base)


def split_tracks(
    tracks: Sequence[Track],
    held_out_share: float = HELD_OUT_SHARE,
    never_held_out: Collection[str] = (),
) -> Split:
    """Hold out ``held_out_share`` of the tracks (at least one, never all of them), none of
    those whose key is in ``never_held_out``."""
    candidates = [track for track in tracks if track.key not in never_held_out]
    if len(tracks) < 2 or not candidates:
        raise ValueError("the benchmark needs at least two tracks: one indexed, one held out")
    count = min(len(tracks) - 1, len(candidates), max(1, round(held_out_share * len(tracks))))
    held = set(sorted(candidates, key=_name_digest)[:count])
    return Split(
        indexed=[track for track in tracks if track not in held],
        held_out=[track for track in tracks if track in held],
    )


def _name_digest(track: Track) -> str:
    return hashlib.sha256(Path(track.key).name.encode()).hexdigest()
