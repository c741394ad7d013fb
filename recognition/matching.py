"""Offset-histogram voting: which song do a clip's hashes line up with, and where?

Pure numpy on arrays; knows nothing of Django, storage or the catalog. Whether the votes are
enough to name a song is decided in ``recognition.identification``.

A query hash found in a song at frame ``t_db`` while it sits at ``t_query`` in the clip votes
for the offset ``t_db − t_query``. The true song collects many votes at one offset (the clip's
start inside it); chance collisions scatter over all offsets of all songs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from fingerprints.hashes import Hashes
from fingerprints.store import Lookup

#: Added to offsets before packing with the song id so that negative offsets sort correctly.
_OFFSET_BIAS = 1 << 30
_SONG_SHIFT = 32

_NO_ROWS = np.zeros(0, np.int64)
#: One (song, offset) key or an array of them.
_Keys = TypeVar("_Keys", int, np.ndarray)


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

    @classmethod
    def concatenate(cls, parts: Sequence[Hits]) -> Hits:
        """The hits of all ``parts``, in their order; none for no parts."""
        if not parts:
            return cls(_NO_ROWS, _NO_ROWS, _NO_ROWS, _NO_ROWS)
        return cls(
            np.concatenate([part.song_ids for part in parts]),
            np.concatenate([part.song_frames for part in parts]),
            np.concatenate([part.query_frames for part in parts]),
            np.concatenate([part.query_rows for part in parts]),
        )

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
class Tally:
    """Votes per (song, offset): the distinct keys of ``_song_offset_keys``, sorted, and the
    votes within ``tolerance_frames`` of each."""

    keys: np.ndarray
    windowed: np.ndarray
    tolerance_frames: int


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


def tally(hits: Hits, tolerance_frames: int) -> Tally:
    """The votes of ``hits`` per (song, offset), each counting those within
    ±``tolerance_frames`` of it.

    The keys are distinct and sorted, so an offset within the tolerance of another is at most
    that many places from it: each pass pairs every key with the one ``places`` later and, if
    they are that near, adds each one's votes to the other's.
    """
    keys, counts = np.unique(
        _song_offset_keys(hits.song_ids, hits.offset_frames), return_counts=True
    )
    windowed = counts.copy()
    for places in range(1, tolerance_frames + 1):
        near = keys[places:] - keys[:-places] <= tolerance_frames
        windowed[:-places] += np.where(near, counts[places:], 0)
        windowed[places:] += np.where(near, counts[:-places], 0)
    return Tally(keys, windowed, tolerance_frames)


def candidates(votes: Tally, limit: int | None = None) -> list[Candidate]:
    """Each song's best offset, strongest first; only the first ``limit`` if given."""
    best = _best_per_song(votes)[:limit]
    keys, windowed = votes.keys[best], votes.windowed[best]
    offsets = (keys & 0xFFFFFFFF) - _OFFSET_BIAS
    return [
        Candidate(int(song), int(count), int(offset))
        for song, count, offset in zip(keys >> _SONG_SHIFT, windowed, offsets)
    ]


def offset_peaks(votes: Tally, least: int, apart_frames: int) -> list[Candidate]:
    """Every (song, offset) with at least ``least`` votes that is the strongest within
    ``apart_frames`` of itself in its song (the earlier among equals): each place a song
    lines up, where ``candidates`` gives only its best."""
    strong = np.flatnonzero(votes.windowed >= least)
    order = strong[np.lexsort((strong, -votes.windowed[strong]))]
    taken: set[int] = set()
    peaks = []
    for index in order.tolist():
        key = int(votes.keys[index])
        if any(key + step in taken for step in range(-apart_frames, apart_frames + 1)):
            continue
        taken.add(key)
        offset = (key & 0xFFFFFFFF) - _OFFSET_BIAS
        peaks.append(Candidate(key >> _SONG_SHIFT, int(votes.windowed[index]), offset))
    return peaks


def _best_per_song(votes: Tally) -> np.ndarray:
    """Indices into ``votes`` of each song's best offset (its earliest among equals), the
    strongest first and ties to the lower song id."""
    songs = votes.keys >> _SONG_SHIFT
    order = np.lexsort((-votes.windowed, songs))
    best = order[np.r_[True, songs[order][1:] != songs[order][:-1]]] if len(order) else order
    return best[np.argsort(-votes.windowed[best], kind="stable")]


def background(votes: Tally, hit_count: int, top: Candidate) -> float:
    """Votes per offset window if the hits outside the top window were spread evenly over the
    (song, offset) pairs they fall on."""
    outside = hit_count - top.aligned_matches
    if outside == 0:
        return 0.0
    tolerance = votes.tolerance_frames
    centre = _song_offset_keys(top.song_id, top.offset_frames)
    first = np.searchsorted(votes.keys, centre - tolerance, side="left")
    last = np.searchsorted(votes.keys, centre + tolerance, side="right")
    occupied = len(votes.keys) - int(last - first)
    return float(outside) / occupied * (2 * tolerance + 1)


def aligned_mask(hits: Hits, candidate: Candidate, tolerance_frames: int) -> np.ndarray:
    """Which hits voted for ``candidate``'s song within the tolerance of its offset."""
    near = np.abs(hits.offset_frames - candidate.offset_frames) <= tolerance_frames
    return (hits.song_ids == candidate.song_id) & near


def strongest_by_group(
    hits: Hits, groups: np.ndarray, group_count: int, tolerance_frames: int
) -> np.ndarray:
    """The most votes any song's best offset collects from each group's hits alone, for
    hits of several query variants looked up together (``groups``: the variant of each hit,
    in ``range(group_count)``)."""
    votes = tally(by_group(hits, groups, group_count), tolerance_frames)
    strength = np.zeros(group_count, np.int64)
    np.maximum.at(strength, (votes.keys >> _SONG_SHIFT) % group_count, votes.windowed)
    return strength


def leading_songs(
    hits: Hits, groups: np.ndarray, group_count: int, per_group: int, tolerance_frames: int
) -> list[np.ndarray]:
    """For each group, the distinct ids of the ``per_group`` songs whose best offset collects
    the most votes from that group's hits (``groups`` as for :func:`strongest_by_group`),
    ties to the lower id."""
    votes = tally(by_group(hits, groups, group_count), tolerance_frames)
    grouped_ids = votes.keys[_best_per_song(votes)] >> _SONG_SHIFT
    group_of = grouped_ids % group_count
    order = np.argsort(group_of, kind="stable")
    first_of_group = np.searchsorted(group_of[order], group_of[order], side="left")
    place = np.empty(len(grouped_ids), np.int64)
    place[order] = np.arange(len(grouped_ids)) - first_of_group
    chosen = grouped_ids[place < per_group]
    return [np.unique(chosen[chosen % group_count == g] // group_count) for g in range(group_count)]


def by_group(hits: Hits, groups: np.ndarray, group_count: int) -> Hits:
    """``hits`` with each song id standing for (song, group): votes of different groups never
    meet."""
    return Hits(
        hits.song_ids * group_count + groups, hits.song_frames, hits.query_frames, hits.query_rows
    )


def _song_offset_keys(song_ids: _Keys, offset_frames: _Keys) -> _Keys:
    """(song, offset) pairs as one sortable int64: keys of one song are contiguous and a key
    one larger is the same song one frame later."""
    return (song_ids << _SONG_SHIFT) | (offset_frames + _OFFSET_BIAS)
