"""Identification: which song is in a clip, and why that one.

:func:`identify` takes a query from its first match to the verdict:

1. the clip's hashes are looked up (``recognition.retrieval``) and voted on as they are
   (``recognition.matching``);
2. if that names no song, the clip may have been played at the wrong speed (a turntable, a
   pitched-up radio edit). Its peak pairs are moved to each speed of ``config.speed_search``
   and looked up all at once; the ``config.speed_candidates`` speeds under which they line up
   best are re-analysed from resampled audio and voted on again, the likeliest first, until
   one names a song;
3. every vote ends in :func:`decide`, which names the top song only if :func:`is_named`'s
   checks all hold. A speed-corrected vote is a retry and meets a stricter bar.

Knows nothing of the catalog: songs are ids here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes, hashes_at_speeds
from fingerprints.pipeline import Query, corrected_for_speed
from fingerprints.store import FingerprintStore

from . import matching
from .matching import Candidate, Hits
from .retrieval import retrieve


@dataclass(frozen=True)
class Verdict:
    """The outcome of one vote. ``winner`` is None when no song stands out enough."""

    winner: Candidate | None
    #: 1 − the runner-up's votes (never below the background or one vote) / the winner's:
    #: 0 for a tie, near 1 for a winner far above everything else; 0 without a winner.
    confidence: float
    #: Best candidates, strongest first (the winner, if any, included).
    candidates: list[Candidate]
    #: Votes expected in an offset window by chance alone.
    background: float


@dataclass(frozen=True)
class Identification:
    """The verdict, and what it was reached on."""

    #: The query decided on: the clip as it is, or as corrected for the speed that matched.
    query: Query
    #: The hits of that query's hashes.
    hits: Hits
    verdict: Verdict
    #: The playback speed the query was decided at: 1.0 as played, 1.03 when corrected for
    #: having been played 3 % fast.
    speed: float = 1.0


def identify(query: Query, store: FingerprintStore, config: EngineConfig) -> Identification:
    """Match ``query`` as it is; if nothing matches, match it corrected for each of the likely
    playback speeds in turn, and keep the first that names a song."""
    as_played = _vote(query, store, config)
    if as_played.verdict.winner is not None or len(query.analysis.hashes) == 0:
        return as_played
    for speed in likely_speeds(query, store, config):
        corrected = vote_at_speed(query, speed, store, config)
        if corrected.verdict.winner is not None:
            return corrected
    return as_played


def vote_at_speed(
    query: Query, speed: float, store: FingerprintStore, config: EngineConfig
) -> Identification:
    """``query`` re-analysed as it would be had it not been played ``speed`` times too fast,
    and decided on as a retry."""
    return _vote(corrected_for_speed(query, speed, config), store, config, speed)


def likely_speeds(query: Query, store: FingerprintStore, config: EngineConfig) -> list[float]:
    """The ``speed_candidates`` speeds of ``config.speed_search`` under which the query's
    peak pairs, moved to where they would sit at the original speed, line up best with a song.

    Moving pairs is cheap and one retrieval serves every speed (each speed choosing its own
    candidate songs); only the likely speeds are then re-analysed from resampled audio, which
    is what recovers nearly every hash. The pairs are sparse (``config.speed_search_density``):
    ranking speeds needs far fewer hashes than naming a song. Only the speeds that stand out
    of the others (:func:`speed_strength_needed`) are given, so there may be none.
    """
    moved = hashes_at_speeds(
        query.analysis.peaks, config.speed_search, config, config.speed_search_density
    )
    every = Hashes(
        np.concatenate([hashes.values for hashes in moved]),
        np.concatenate([hashes.frames for hashes in moved]),
    )
    speed_of_row = np.repeat(np.arange(len(moved)), [len(hashes) for hashes in moved])
    hits = retrieve(
        every,
        store,
        config,
        candidates=config.candidate_songs_per_speed,
        groups=speed_of_row,
        group_count=len(moved),
    )
    strength = matching.strongest_by_group(
        hits, speed_of_row[hits.query_rows], len(moved), config.alignment_tolerance_frames
    )
    ranked = np.argsort(-strength, kind="stable")[: config.speed_candidates]
    least = speed_strength_needed(strength, config)
    return [config.speed_search[i] for i in ranked if strength[i] >= least]


def speed_strength_needed(strength: np.ndarray, config: EngineConfig) -> float:
    """How strongly the pairs moved to a speed must line up for that speed to be re-analysed.

    Under the wrong speeds the pairs line up only by chance, and about as strongly under each:
    the median ``strength`` over every speed is what chance gives this clip in this catalog.
    A clip played at one of the speeds stands ``config.speed_search_lead`` above it under
    that speed; most clips of a song the catalog lacks stand that far above it under none.
    """
    return float(np.median(strength)) + config.speed_search_lead


def _vote(
    query: Query, store: FingerprintStore, config: EngineConfig, speed: float = 1.0
) -> Identification:
    """The query's hashes looked up, voted on and decided on; a query corrected for a
    ``speed`` is a retry.

    The lookup stops early when the hits found so far name a song by a retry's stricter bar,
    at an offset no other of that song's comes near (see ``recognition.retrieval``): the
    hashes left would mostly add votes to the song already named.
    """

    def settled(hits: Hits) -> bool:
        winner = decide(hits, config, retry=True).winner
        return winner is not None and leads_its_songs_other_offsets(hits, winner, config)

    hits = retrieve(
        query.analysis.hashes, store, config, candidates=config.candidate_songs, settled=settled
    )
    return Identification(query, hits, decide(hits, config, retry=speed != 1.0), speed)


def leads_its_songs_other_offsets(hits: Hits, winner: Candidate, config: EngineConfig) -> bool:
    """``winner`` collects ``min_margin_ratio`` times the votes of any offset of its song
    farther than the alignment tolerance from its own. In a song that plays a passage again
    with variations, the rarer hashes alone can favour another pass than all of them would."""
    tolerance = config.alignment_tolerance_frames
    others = (hits.song_ids == winner.song_id) & (
        np.abs(hits.offset_frames - winner.offset_frames) > 2 * tolerance
    )
    if not others.any():
        return True
    rivals = matching.tally(
        Hits(
            hits.song_ids[others],
            hits.song_frames[others],
            hits.query_frames[others],
            hits.query_rows[others],
        ),
        tolerance,
    )
    return winner.aligned_matches >= config.min_margin_ratio * int(rivals.windowed.max())


@dataclass(frozen=True)
class Standing:
    """How the top song of a vote stands against the rest: what every check reads."""

    #: Aligned votes of the top song, the runner-up song and the third (0 where none).
    top: int
    runner_up: int
    third: int
    #: Votes expected in an offset window by chance alone.
    background: float
    #: In how many slices of ``config.spread_slice_seconds`` of the clip the top song has votes.
    slices: int
    #: The top song's aligned votes with no query frame counted more than
    #: ``config.max_votes_per_frame`` times: the votes the checks weigh.
    counted: int
    #: Whether this vote is of a speed-corrected query (see :func:`identify`).
    retry: bool

    def reference(self, votes: int) -> float:
        """A rival's votes, never below the background or one vote."""
        return max(float(votes), self.background, 1.0)

    @property
    def confidence(self) -> float:
        """See ``Verdict.confidence``."""
        return max(0.0, 1.0 - self.reference(self.runner_up) / self.top)


def decide(hits: Hits, config: EngineConfig, *, retry: bool = False) -> Verdict:
    """Vote, then name the top song if :func:`is_named` says so."""
    votes = matching.tally(hits, config.alignment_tolerance_frames)
    ranked = matching.candidates(votes, limit=max(3, config.runner_up_count + 1))
    if not ranked:
        return Verdict(None, 0.0, [], 0.0)
    standing = _standing(hits, votes, ranked, config, retry)
    shown = ranked[: config.runner_up_count + 1]
    if not is_named(standing, config):
        return Verdict(None, 0.0, shown, standing.background)
    return Verdict(ranked[0], standing.confidence, shown, standing.background)


def is_named(standing: Standing, config: EngineConfig) -> bool:
    """The top song is named when it has enough aligned votes, from enough moments of the
    clip, stands out of the background, and either leads the runner-up and the background
    clearly or leads a runner-up that is a second recording of the same passage. Its votes
    are the ``counted`` ones: no query frame weighs more than ``max_votes_per_frame``."""
    return (
        has_enough_votes(standing, config)
        and votes_come_from_enough_slices(standing, config)
        and stands_out_of_the_background(standing, config)
        and (leads_clearly(standing, config) or leads_a_second_recording(standing, config))
    )


def has_enough_votes(standing: Standing, config: EngineConfig) -> bool:
    """``min_aligned_matches`` aligned votes; a retry needs ``speed_min_aligned_matches``,
    since more tries are more chances for chance hits to line up."""
    least = config.speed_min_aligned_matches if standing.retry else config.min_aligned_matches
    return standing.counted >= least


def votes_come_from_enough_slices(standing: Standing, config: EngineConfig) -> bool:
    """Votes from at least ``min_voting_slices`` slices: one moment (a drum hit, a sound
    effect two tracks share) is not a song, however far it leads."""
    return standing.slices >= config.min_voting_slices


def stands_out_of_the_background(standing: Standing, config: EngineConfig) -> bool:
    """The top song's votes exceed the background by ``background_deviations`` standard
    deviations of a chance count (whose variance is its mean, as for any count of rare
    coincidences), so that a clip whose hashes line up by chance a few times at every offset
    of a song is not named for the offset where they happened to line up most."""
    background = max(standing.background, 1.0)
    return standing.counted >= background + config.background_deviations * math.sqrt(background)


def leads_clearly(standing: Standing, config: EngineConfig) -> bool:
    """The top song has :func:`required_lead` times the votes of the runner-up and of the
    background."""
    lead = required_lead(standing, config)
    return standing.counted >= lead * standing.reference(standing.runner_up)


def required_lead(standing: Standing, config: EngineConfig) -> float:
    """The lead a top song needs, by how its votes spread over the clip: a chance alignment
    piles its votes up where both recordings hold a similar chord for a moment, a true one
    collects them throughout. A retry gets no allowance for spread."""
    if standing.slices <= config.clumped_max_slices:
        return config.clumped_margin_ratio
    if standing.slices >= config.spread_min_slices and not standing.retry:
        return config.spread_margin_ratio
    return config.min_margin_ratio


def leads_a_second_recording(standing: Standing, config: EngineConfig) -> bool:
    """The runner-up stands ``min_margin_ratio`` times above the third-best song, as far as a
    winner must stand above a runner-up: it is another recording of the same passage (a
    second mix, a reprise), no chance alignment, and the top song need only lead it
    ``min_lead_ratio`` times. A near tie between two recordings stays unnamed."""
    second_recording = standing.runner_up >= config.min_margin_ratio * standing.reference(
        standing.third
    )
    return second_recording and standing.counted >= config.min_lead_ratio * standing.runner_up


def _standing(
    hits: Hits,
    votes: matching.Tally,
    ranked: list[Candidate],
    config: EngineConfig,
    retry: bool,
) -> Standing:
    runner_up, third = ([c.aligned_matches for c in ranked[1:3]] + [0, 0])[:2]
    aligned = matching.aligned_mask(hits, ranked[0], config.alignment_tolerance_frames)
    voting_frames, votes_per_frame = np.unique(hits.query_frames[aligned], return_counts=True)
    return Standing(
        top=ranked[0].aligned_matches,
        runner_up=runner_up,
        third=third,
        background=matching.background(votes, len(hits), ranked[0]),
        slices=len(np.unique(voting_frames // config.spread_slice_frames)),
        retry=retry,
        counted=int(np.minimum(votes_per_frame, config.max_votes_per_frame).sum()),
    )
