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
holds. Three statements of the store whatever the clip length, or two when no hash is
common.
"""

from __future__ import annotations

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore, Lookup

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
) -> Hits:
    """The hits of ``hashes``: distinctive hashes from every song, common ones from the
    ``candidates`` songs whose best offset the distinctive hits favour most.

    ``groups`` (the variant of each row of ``hashes``, in ``range(group_count)``) lets
    several query variants looked up together choose ``candidates`` songs each.
    """
    distinct = np.unique(hashes.values)
    common = store.song_counts(distinct) > config.common_hash_songs
    distinctive = store.lookup(distinct[~common])
    hits = matching.join_hits(hashes, distinctive)
    if not common.any():
        return hits
    row_groups = np.zeros(len(hits), np.int64) if groups is None else groups[hits.query_rows]
    songs = matching.leading_songs(
        hits, row_groups, group_count, candidates, config.alignment_tolerance_frames
    )
    rest = store.lookup(distinct[common], song_ids=songs)
    return matching.join_hits(hashes, Lookup.concatenate([distinctive, rest]))
