"""The library's own duplicates: songs that hold the same audio as another song of the store
(the same master in two files, a radio edit of the album version, a track inside a medley).

A song is a query against the whole store, read from its stored pairs
(``FingerprintStore.song_hashes``): no audio is decoded. Its pairs are taken as they are and
as a copy at each speed of ``config.duplicate_speed_search`` would hold them
(``hashes_of_copy``). Its rare hashes (held by at most ``config.duplicate_rare_hash_songs``
songs), one value in ``config.duplicate_hash_sample``, nominate the songs they line up with
most at one offset; each nominee is then read against it with every hash, and
``recognition.overlaps`` says over which ranges they share audio, if over any. Two songs are
compared only when their sampled rare hashes meet, so the search costs what those fetch,
times the songs: it never compares every song with every other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hashes_of_copy, sampled
from fingerprints.store import FingerprintStore

from . import matching
from .matching import Hits
from .overlaps import SharedRange, shared_ranges


@dataclass(frozen=True)
class SharedAudio:
    """Song ``song_a``'s audio found again in song ``song_b``."""

    song_a: int
    song_b: int
    #: How many times as fast B plays A: 1.03 when B is A played 3 % fast.
    speed: float
    #: By A's start.
    ranges: tuple[SharedRange, ...]
    #: The share of A's pairs over the ranges that line up in B, from 0 to 1: near 1 for a
    #: lossless copy, lower the more a codec (or a speed's rounding) changed.
    strength: float

    @property
    def votes(self) -> int:
        return sum(r.votes for r in self.ranges)

    @property
    def shared_seconds(self) -> float:
        """Seconds of A that B plays again."""
        return sum(r.a_seconds for r in self.ranges)


def shared_audio(
    song_id: int,
    store: FingerprintStore,
    config: EngineConfig,
    *,
    speeds: Sequence[float],
    later_only: bool = False,
    hashes: Hashes | None = None,
) -> list[SharedAudio]:
    """Every other song that shares audio with song ``song_id`` at one of ``speeds`` (1.0
    for as it is), the strongest first, each once (at the speed it shares most at).

    ``later_only`` leaves out songs of lower ids at speed 1.0, for a search of the whole
    store, which reads those pairs from the other song. ``hashes`` are the song's own pairs,
    read from the store if not given.
    """
    own = store.song_hashes(song_id) if hashes is None else hashes
    variants = [own if speed == 1.0 else hashes_of_copy(own, speed, config) for speed in speeds]
    found: dict[int, SharedAudio] = {}
    nominated = _nominees(song_id, variants, speeds, store, config, later_only)
    for variant, songs in nominated.items():
        query = variants[variant]
        lookup = store.lookup_in_songs([(query.values, np.array(songs))])
        hits = matching.join_hits(query, lookup)
        for song in songs:
            shared = _shared(song_id, song, query, _of_song(hits, song), speeds[variant], config)
            if shared is not None and (song not in found or shared.votes > found[song].votes):
                found[song] = shared
    return sorted(found.values(), key=lambda s: (-s.strength, s.song_b))


#: Called after each song searched: songs done and songs in all.
Progress = Callable[[int, int], None]


def find_duplicates(
    song_ids: Iterable[int],
    store: FingerprintStore,
    config: EngineConfig,
    *,
    on_progress: Progress | None = None,
    after_each: Callable[[], None] | None = None,
) -> list[SharedAudio]:
    """Every pair of the songs ``song_ids`` that share audio, each once, the strongest first.

    Each song is searched at speed 1.0 for songs of higher ids, and at the speeds of
    ``config.duplicate_speed_search`` (all faster) for every song: a pair at a speed is found
    from its slower song. ``after_each`` runs after every song (to drop what a debug run
    logs of its statements).
    """
    ids = sorted(set(song_ids))
    speeds = (1.0, *config.duplicate_speed_search)
    found: dict[tuple[int, int], SharedAudio] = {}
    for done, song_id in enumerate(ids, start=1):
        for shared in shared_audio(song_id, store, config, speeds=speeds, later_only=True):
            pair = (min(shared.song_a, shared.song_b), max(shared.song_a, shared.song_b))
            if pair not in found or shared.votes > found[pair].votes:
                found[pair] = shared
        if after_each is not None:
            after_each()
        if on_progress is not None:
            on_progress(done, len(ids))
    return sorted(found.values(), key=lambda s: (-s.strength, s.song_a, s.song_b))


def both_ways(config: EngineConfig) -> tuple[float, ...]:
    """1.0 and the speeds of ``config.duplicate_speed_search`` either way: for one song
    searched against all the others, which may be faster or slower than it."""
    faster = config.duplicate_speed_search
    return (1.0, *faster, *(1.0 / speed for speed in faster))


def _nominees(
    song_id: int,
    variants: list[Hashes],
    speeds: Sequence[float],
    store: FingerprintStore,
    config: EngineConfig,
    later_only: bool,
) -> dict[int, list[int]]:
    """For each variant of the query (by index), the songs its sampled rare hashes line up
    with at one offset with ``config.duplicate_min_votes`` votes, at most
    ``duplicate_candidate_songs`` of them, the most votes first. Two statements of the store."""
    values = np.concatenate([v.values for v in variants])
    kept = sampled(values, config.duplicate_hash_sample)
    every = Hashes(values[kept], np.concatenate([v.frames for v in variants])[kept])
    variant_of_row = np.repeat(np.arange(len(variants)), [len(v) for v in variants])[kept]
    distinct = np.unique(every.values)
    rare = distinct[store.song_counts(distinct) <= config.duplicate_rare_hash_songs]
    lookup = store.lookup(rare)
    hits = matching.join_hits(every, lookup)
    hits = _subset(hits, hits.song_ids != song_id)
    count = len(variants)
    by_variant = matching.by_group(hits, variant_of_row[hits.query_rows], count)
    votes = matching.tally(by_variant, config.alignment_tolerance_frames)
    nominees: dict[int, list[int]] = {}
    for candidate in matching.candidates(votes):
        if candidate.aligned_matches < config.duplicate_min_votes:
            break
        song, variant = divmod(candidate.song_id, count)
        if later_only and speeds[variant] == 1.0 and song < song_id:
            continue
        chosen = nominees.setdefault(variant, [])
        if len(chosen) < config.duplicate_candidate_songs:
            chosen.append(song)
    return nominees


def _shared(
    song_id: int, other: int, query: Hashes, hits: Hits, speed: float, config: EngineConfig
) -> SharedAudio | None:
    ranges = shared_ranges(hits, config, speed=speed)
    if not ranges:
        return None
    frames = config.frames_to_seconds(query.frames.astype(np.float64)) * speed
    pairs = sum(
        int(np.count_nonzero((frames >= r.a_from_seconds) & (frames <= r.a_to_seconds)))
        for r in ranges
    )
    votes = sum(r.votes for r in ranges)
    strength = min(1.0, votes / pairs) if pairs else 0.0
    return SharedAudio(song_id, other, speed, tuple(ranges), strength)


def _of_song(hits: Hits, song: int) -> Hits:
    return _subset(hits, hits.song_ids == song)


def _subset(hits: Hits, keep: np.ndarray) -> Hits:
    return Hits(
        hits.song_ids[keep], hits.song_frames[keep], hits.query_frames[keep], hits.query_rows[keep]
    )
