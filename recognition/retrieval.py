"""Retrieval: the stored occurrences a query's hashes vote with, at a cost that does not grow
with the catalog.

A hash held by few songs points at them. A hash held by many (a low note and the next one a
few frames later) says little of which song plays, yet fetching every occurrence of such
hashes is what made a query slower as the catalog grew. So a query's hashes are fetched in
two steps:

1. the *distinctive* ones, held by at most ``config.common_hash_songs`` songs, from every
   song;
2. the *common* ones only from the candidates: the songs the distinctive hashes line up best
   with.

Every candidate thus collects all of its votes, and the decision compares fully counted
songs; the cost is bounded by the cap and the number of candidates, whatever the catalog
holds. A caller may also stop early, when the hits found so far settle the question
(``settled``): the distinctive hashes are then fetched in two steps, the rarest first (held
by at most ``config.rare_hash_songs`` songs: few rows, yet they name a clean clip of a
stored song), the common ones only if neither settles it. Three statements of the store
whatever the clip length, four when settling, fewer when a step has no hash or settles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore

from . import matching
from .matching import Hits


def retrieve(
    hashes: Hashes,
    store: FingerprintStore,
    config: EngineConfig,
    *,
    candidates: int,
    groups: np.ndarray | None = None,
    group_count: int = 1,
    settled: Callable[[Hits], bool] | None = None,
) -> Hits:
    """The hits of ``hashes``: distinctive hashes from every song, common ones from the
    ``candidates`` songs whose best offset the distinctive hits favour most, unless
    ``settled`` says the hits found so far are enough.

    ``groups`` (the variant of each row of ``hashes``, in ``range(group_count)``) lets
    several query variants looked up together choose ``candidates`` songs each.
    """
    distinct = np.unique(hashes.values)
    songs_holding = store.song_counts(distinct)
    common = songs_holding > config.common_hash_songs
    hits = Hits.concatenate([])
    stepwise = settled is not None
    for values in _distinctive_steps(distinct, songs_holding, common, config, stepwise=stepwise):
        hits = Hits.concatenate([hits, matching.join_hits(hashes, store.lookup(values))])
        if settled is not None and settled(hits):
            return hits
    if not common.any():
        return hits
    query_groups = np.zeros(len(hashes), np.int64) if groups is None else groups
    songs = matching.leading_songs(
        hits,
        query_groups[hits.query_rows],
        group_count,
        candidates,
        config.alignment_tolerance_frames,
    )
    common_values = distinct[common]
    rest = store.lookup_in_songs(
        [
            (np.intersect1d(hashes.values[query_groups == group], common_values), songs[group])
            for group in range(group_count)
        ]
    )
    return Hits.concatenate([hits, matching.join_hits(hashes, rest)])


def _distinctive_steps(
    distinct: np.ndarray,
    songs_holding: np.ndarray,
    common: np.ndarray,
    config: EngineConfig,
    *,
    stepwise: bool,
) -> list[np.ndarray]:
    """The distinctive (not ``common``) hashes among ``distinct``, in the lookups that fetch
    them: the rare ones (held by at most ``config.rare_hash_songs`` songs) and then the rest
    when a vote may be settled after each, else all at once; no lookup of no hash."""
    if not stepwise:
        steps = [distinct[~common]]
    else:
        rare = songs_holding <= config.rare_hash_songs
        steps = [distinct[rare], distinct[~common & ~rare]]
    return [values for values in steps if len(values)]
