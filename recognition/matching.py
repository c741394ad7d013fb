"""Offset-histogram voting: which song do a clip's hashes line up with, and where?

Pure numpy on arrays; knows nothing of Django, storage or the catalog.

A query hash found in a song at frame ``t_db`` while it sits at ``t_query`` in the clip votes
for the offset ``t_db − t_query``. The true song collects many votes at one offset (the clip's
start inside it); chance collisions scatter over all offsets of all songs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import Lookup

#: Added to offsets before packing with the song id so that negative offsets sort correctly.
_OFFSET_BIAS = 1 << 30
_SONG_SHIFT = 32


@dataclass(frozen=True)
class Hits:
    """One row per (query hash, stored occurrence) pair, as parallel int64 arrays."""

    song_ids: np.ndarray
    song_frames: np.ndarray
    query_frames: np.ndarray
    #: Index of the query hash behind each hit, into the query's ``Hashes`` arrays.
    query_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.song_ids)

    @property
    def offset_frames(self) -> np.ndarray:
        """The offset each hit votes for: its song frame less its query frame."""
        return self.song_frames - self.query_frames


@dataclass(frozen=True)
class Candidate:
    """A song's best offset and the votes within the alignment tolerance of it."""

    song_id: int
    aligned_matches: int
    offset_frames: int


@dataclass(frozen=True)
class Verdict:
    """The outcome of voting. ``winner`` is None when no song stands out enough."""

    winner: Candidate | None
    confidence: float
    #: Best candidates, strongest first (the winner, if any, included).
    candidates: list[Candidate]
    #: Votes expected in an offset window by chance alone.
    background: float


def join_hits(query: Hashes, lookup: Lookup) -> Hits:
    """Pair every stored occurrence with every query frame that has the same hash."""
    order = np.argsort(query.values, kind="stable")
    values = query.values[order]
    first = np.searchsorted(values, lookup.hashes, side="left")
    counts = np.searchsorted(values, lookup.hashes, side="right") - first
    row = np.repeat(np.arange(len(lookup)), counts)
    within = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    query_rows = order[first[row] + within]
    return Hits(
        lookup.song_ids[row],
        lookup.frames[row],
        query.frames[query_rows].astype(np.int64),
        query_rows,
    )


def best_alignments(hits: Hits, tolerance_frames: int) -> list[Candidate]:
    """Each song's best offset, counting votes within ±``tolerance_frames`` of it; strongest
    first."""
    return _best_per_song(_tally(hits, tolerance_frames))


def strongest_by_group(
    hits: Hits, groups: np.ndarray, group_count: int, tolerance_frames: int
) -> np.ndarray:
    """The most votes any song's best offset collects from each group's hits alone, for
    hits of several query variants looked up together (``groups``: the variant of each hit,
    in ``range(group_count)``)."""
    grouped = Hits(
        hits.song_ids * group_count + groups, hits.song_frames, hits.query_frames, hits.query_rows
    )
    tally = _tally(grouped, tolerance_frames)
    strength = np.zeros(group_count, np.int64)
    np.maximum.at(strength, (tally.keys >> _SONG_SHIFT) % group_count, tally.windowed)
    return strength


def decide(hits: Hits, config: EngineConfig, *, retry: bool = False) -> Verdict:
    """Vote, then name the winner only if its votes come from more than a moment of the clip
    and it stands clear of the runner-up and the background (the clearer, the fewer moments
    its votes come from), or leads a runner-up that is no chance alignment either.

    A ``retry`` (one of several corrected versions of a clip that matched nothing) is held to
    ``speed_min_aligned_matches`` and gets no allowance for spread votes: more tries are more
    chances for chance hits to line up.

    A runner-up that stands as far above the third-best song as a winner must stand above
    the runner-up is a second recording of the same passage (another mix, a reprise); it
    does not veto a winner that leads it by ``min_lead_ratio``.

    ``confidence`` = 1 − reference / winner's aligned matches, where the reference is the
    largest of the runner-up song's aligned matches, the background and one vote: 0 for a tie,
    near 1 for a winner far above everything else.
    """
    tally = _tally(hits, config.alignment_tolerance_frames)
    candidates = _best_per_song(tally)
    shown = candidates[: config.runner_up_count + 1]
    if not candidates:
        return Verdict(None, 0.0, [], 0.0)
    top = candidates[0].aligned_matches
    runner_up, third = ([c.aligned_matches for c in candidates[1:3]] + [0, 0])[:2]
    background = _background(tally, len(hits), candidates[0])

    def reference(votes: int) -> float:
        """A rival's votes, never below the background or one vote."""
        return max(float(votes), background, 1.0)

    margin = config.min_margin_ratio
    least = config.speed_min_aligned_matches if retry else config.min_aligned_matches
    slices = _slices_voting(hits, candidates[0], config)
    lead = _required_lead(slices, config, retry)
    named = (top >= least and slices >= config.min_voting_slices) and (
        top >= lead * reference(runner_up)
        or (runner_up >= margin * reference(third) and top >= config.min_lead_ratio * runner_up)
    )
    confidence = max(0.0, 1.0 - reference(runner_up) / top)
    winner = candidates[0] if named else None
    return Verdict(winner, confidence if named else 0.0, shown, background)


def aligned_mask(hits: Hits, candidate: Candidate, tolerance_frames: int) -> np.ndarray:
    """Which hits voted for ``candidate``'s song within the tolerance of its offset."""
    near = np.abs(hits.offset_frames - candidate.offset_frames) <= tolerance_frames
    return (hits.song_ids == candidate.song_id) & near


def _required_lead(slices: int, config: EngineConfig, retry: bool) -> float:
    """How many times the runner-up's votes a winner with votes in ``slices`` slices of the
    clip must have (see ``EngineConfig.spread_min_slices``)."""
    if slices <= config.clumped_max_slices:
        return config.clumped_margin_ratio
    if slices >= config.spread_min_slices and not retry:
        return config.spread_margin_ratio
    return config.min_margin_ratio


def _slices_voting(hits: Hits, candidate: Candidate, config: EngineConfig) -> int:
    """In how many slices of ``config.spread_slice_frames`` of the clip ``candidate`` has
    votes."""
    aligned = aligned_mask(hits, candidate, config.alignment_tolerance_frames)
    return len(np.unique(hits.query_frames[aligned] // config.spread_slice_frames))


@dataclass(frozen=True)
class _Tally:
    """Votes per (song, offset): the distinct keys of ``_song_offset_keys``, sorted, and the
    votes within the tolerance of each."""

    keys: np.ndarray
    windowed: np.ndarray
    tolerance_frames: int


def _tally(hits: Hits, tolerance_frames: int) -> _Tally:
    """The keys are distinct and sorted, so an offset within the tolerance of another is at
    most that many places from it: each pass pairs every key with the one ``places`` later
    and, if they are that near, adds each one's votes to the other's."""
    keys, counts = np.unique(
        _song_offset_keys(hits.song_ids, hits.offset_frames), return_counts=True
    )
    windowed = counts.copy()
    for places in range(1, tolerance_frames + 1):
        near = keys[places:] - keys[:-places] <= tolerance_frames
        windowed[:-places] += np.where(near, counts[places:], 0)
        windowed[places:] += np.where(near, counts[:-places], 0)
    return _Tally(keys, windowed, tolerance_frames)


def _best_per_song(tally: _Tally) -> list[Candidate]:
    """Each song's best offset, strongest first."""
    keys, windowed = tally.keys, tally.windowed
    if len(keys) == 0:
        return []
    songs = keys >> _SONG_SHIFT
    order = np.lexsort((-windowed, songs))
    best = order[np.r_[True, songs[order][1:] != songs[order][:-1]]]
    best = best[np.argsort(-windowed[best], kind="stable")]
    return [
        Candidate(int(songs[i]), int(windowed[i]), int((keys[i] & 0xFFFFFFFF) - _OFFSET_BIAS))
        for i in best
    ]


def _background(tally: _Tally, hit_count: int, top: Candidate) -> float:
    """Votes per offset window if the hits outside the top window were spread evenly over the
    (song, offset) pairs they fall on."""
    outside = hit_count - top.aligned_matches
    if outside == 0:
        return 0.0
    tolerance = tally.tolerance_frames
    centre = _song_offset_keys(np.int64(top.song_id), np.int64(top.offset_frames))
    first = np.searchsorted(tally.keys, centre - tolerance, side="left")
    last = np.searchsorted(tally.keys, centre + tolerance, side="right")
    occupied = len(tally.keys) - (last - first)
    return float(outside) / occupied * (2 * tolerance + 1)


def _song_offset_keys(song_ids: np.ndarray, offset_frames: np.ndarray) -> np.ndarray:
    """(song, offset) pairs as one sortable int64: keys of one song are contiguous and a key
    one larger is the same song one frame later."""
    return (song_ids << _SONG_SHIFT) | (offset_frames + _OFFSET_BIAS)
