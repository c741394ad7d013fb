"""The decision on hand-built hits, its named checks, and identification end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr
from django.db import connections
from django.test.utils import CaptureQueriesContext

from fingerprints.config import EngineConfig
from fingerprints.pipeline import Query, analyse_query, analyse_song
from fingerprints.store import FingerprintStore
from recognition.identification import (
    Identification,
    Standing,
    decide,
    has_enough_votes,
    identify,
    leads_a_second_recording,
    likely_speeds,
    required_lead,
    stands_out_of_the_background,
)
from recognition.tests.votes import aligned, chance, hits_of
from testsupport.codecs import write_audio
from testsupport.excerpts import cut
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song


def test_recovers_the_song_and_offset_among_chance_hits(config: EngineConfig) -> None:
    verdict = decide(hits_of(aligned(7, 1234, 40), *chance(0, 500)), config)

    assert verdict.winner is not None
    assert (verdict.winner.song_id, verdict.winner.offset_frames) == (7, 1234)
    assert verdict.winner.aligned_matches >= 40
    assert verdict.confidence > 0.8
    assert verdict.background < 5


def test_runner_up_songs_are_reported_strongest_first(config: EngineConfig) -> None:
    hits = hits_of(aligned(1, 10, 60), aligned(2, 99, 9), aligned(3, 5, 4))
    verdict = decide(hits, config)

    assert [c.song_id for c in verdict.candidates] == [1, 2, 3]
    assert [c.aligned_matches for c in verdict.candidates] == [60, 9, 4]


def test_a_second_recording_of_the_passage_does_not_veto_the_winner(
    config: EngineConfig,
) -> None:
    hits = hits_of(aligned(1, 10, 40), aligned(2, 700, 30), *chance(4, 500))

    verdict = decide(hits, config)

    assert verdict.winner is not None and verdict.winner.song_id == 1
    assert verdict.candidates[1].song_id == 2
    assert verdict.confidence == pytest.approx(1 - 30 / 40, abs=0.05)


_rivals = [aligned(2, 400, 10), aligned(3, 50, 5), *chance(5, 300)]


def _in_moments(song: int, offset: int, count: int, moments: int, config: EngineConfig) -> tuple:
    """``count`` votes for ``offset`` from ``moments`` slices of the clip side by side, spread
    over the frames of each."""
    slice_frames = config.spread_slice_frames
    within = (np.arange(count) // moments) % slice_frames
    query = (np.arange(count) % moments) * slice_frames + within
    return song, query + offset, query


@pytest.mark.parametrize(
    "votes, spacing, named",
    [
        pytest.param(22, 5, True, id="2.2 times, spread over the clip"),
        pytest.param(26, 2, True, id="2.6 times, over a second"),
        pytest.param(24, 2, False, id="2.4 times, over a second"),
    ],
)
def test_the_lead_a_winner_needs_falls_as_its_votes_spread(
    votes: int, spacing: int, named: bool, config: EngineConfig
) -> None:
    # The runner-up has 10 votes and is no second recording (a third song has 5).
    hits = hits_of(aligned(1, 1000, votes, spacing=spacing), *_rivals)

    verdict = decide(hits, config)

    assert (verdict.winner is not None) is named
    assert verdict.candidates[0].song_id == 1


@pytest.mark.parametrize(
    "votes, moments, named",
    [
        pytest.param(26, 3, False, id="2.6 times"),
        pytest.param(34, 3, False, id="3.4 times"),
        pytest.param(36, 3, True, id="3.6 times"),
        pytest.param(100, 2, False, id="10 times, from two moments"),
        pytest.param(100, 1, False, id="10 times, from one moment"),
    ],
)
def test_votes_from_a_few_moments_need_a_clear_lead_and_one_moment_is_never_a_song(
    votes: int, moments: int, named: bool, config: EngineConfig
) -> None:
    hits = hits_of(_in_moments(1, 1000, votes, moments, config), *_rivals)

    verdict = decide(hits, config)

    assert (verdict.winner is not None) is named
    assert verdict.candidates[0].song_id == 1


def test_a_retry_gets_no_allowance_for_spread(config: EngineConfig) -> None:
    hits = hits_of(aligned(1, 1000, 22, spacing=5), *_rivals)

    assert decide(hits, config, retry=True).winner is None


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param([], id="no hits"),
        pytest.param(chance(3, 800), id="chance only"),
        pytest.param([aligned(1, 10, 30), aligned(2, 70, 28)], id="two songs neck and neck"),
        pytest.param(
            [aligned(1, 10, 40), aligned(2, 70, 30), aligned(3, 50, 20)],
            id="three songs align: the winner is not far from chance",
        ),
        pytest.param([aligned(1, 10, 6)], id="too few aligned"),
    ],
)
def test_no_song_is_named_without_a_clear_winner(groups: list[tuple], config: EngineConfig) -> None:
    verdict = decide(hits_of(*groups) if groups else hits_of(aligned(1, 0, 0)), config)

    assert verdict.winner is None
    assert verdict.confidence == 0.0


def _standing(**facts: Any) -> Standing:
    """A top song of 30 votes from 10 slices against a runner-up of 10 and a third of 5,
    with ``facts`` changed."""
    usual = Standing(
        top=30, runner_up=10, third=5, background=2.0, slices=10, retry=False, counted=30
    )
    return dataclasses.replace(usual, **facts)


@pytest.mark.parametrize(
    "facts, lead",
    [
        pytest.param({"slices": 3}, "clumped_margin_ratio", id="clumped"),
        pytest.param({"slices": 5}, "min_margin_ratio", id="between"),
        pytest.param({"slices": 7}, "spread_margin_ratio", id="spread"),
        pytest.param({"slices": 7, "retry": True}, "min_margin_ratio", id="spread, a retry"),
        pytest.param({"slices": 2, "retry": True}, "clumped_margin_ratio", id="clumped, a retry"),
    ],
)
def test_the_lead_required_follows_the_spread_of_the_votes(
    facts: dict[str, Any], lead: str, config: EngineConfig
) -> None:
    assert required_lead(_standing(**facts), config) == getattr(config, lead)


@pytest.mark.parametrize(
    "facts, enough",
    [
        pytest.param({"counted": 10}, True, id="10 votes"),
        pytest.param({"counted": 9}, False, id="9 votes"),
        pytest.param({"counted": 9, "top": 30}, False, id="9 votes counted of 30"),
        pytest.param({"counted": 15, "retry": True}, False, id="15 votes, a retry"),
        pytest.param({"counted": 16, "retry": True}, True, id="16 votes, a retry"),
    ],
)
def test_a_retry_needs_more_votes(
    facts: dict[str, Any], enough: bool, config: EngineConfig
) -> None:
    assert has_enough_votes(_standing(**facts), config) is enough


@pytest.mark.parametrize(
    "facts, leads",
    [
        pytest.param({"counted": 13, "runner_up": 10, "third": 4}, True, id="1.3 times, 2.5 above"),
        pytest.param({"counted": 12, "runner_up": 10, "third": 4}, False, id="a near tie"),
        pytest.param({"counted": 13, "runner_up": 10, "third": 5}, False, id="runner-up 2 above"),
    ],
)
def test_a_second_recording_need_only_be_led_a_little(
    facts: dict[str, Any], leads: bool, config: EngineConfig
) -> None:
    assert leads_a_second_recording(_standing(**facts), config) is leads


@pytest.mark.parametrize(
    "piled, named",
    [
        pytest.param(0, True, id="16 votes, one per frame"),
        pytest.param(10, False, id="16 votes, 10 of them from one frame"),
    ],
)
def test_a_query_frame_counts_at_most_max_votes_per_frame(
    piled: int, named: bool, config: EngineConfig
) -> None:
    """One frame's peaks pair with each other, so one note heard in both songs can bring a
    pile of votes from one instant: those count ``max_votes_per_frame`` times."""
    song, song_frames, query_frames = aligned(1, 1000, 16, spacing=5)
    query_frames[:piled] = query_frames[0]
    song_frames[:piled] = query_frames[0] + 1000
    hits = hits_of((song, song_frames, query_frames), aligned(2, 400, 5), *chance(5, 300))

    verdict = decide(hits, config)

    assert verdict.candidates[0].song_id == 1 and verdict.candidates[0].aligned_matches == 16
    assert (verdict.winner is not None) is named


@pytest.mark.parametrize(
    "facts, stands_out",
    [
        pytest.param({"counted": 12, "background": 4.0}, True, id="4 deviations above 4"),
        pytest.param({"counted": 11, "background": 4.0}, False, id="3.5 deviations above 4"),
        pytest.param({"counted": 5, "background": 0.2}, True, id="4 above a background of 1"),
        pytest.param({"counted": 4, "background": 0.2}, False, id="3 above a background of 1"),
    ],
)
def test_a_winner_stands_deviations_above_the_background(
    facts: dict[str, Any], stands_out: bool, config: EngineConfig
) -> None:
    assert stands_out_of_the_background(_standing(**facts), config) is stands_out


@pytest.fixture
def song(tmp_path: Path, store: FingerprintStore, config: EngineConfig) -> np.ndarray:
    """A synthetic song, stored as song 1."""
    samples = synth_song(41, 20)
    store.add(
        1, analyse_song(write_audio(tmp_path / "song.wav", samples, SAMPLE_RATE), config).hashes
    )
    return samples


def _query(tmp_path: Path, samples: np.ndarray, config: EngineConfig) -> Query:
    return analyse_query(write_audio(tmp_path / "clip.wav", samples, SAMPLE_RATE), config)


def _identify_counting_retrievals(
    query: Query, store: FingerprintStore, config: EngineConfig
) -> tuple[Identification, int]:
    """The identification, and how many retrievals it made: each asks for the song counts of
    its hashes once, then for their occurrences (see ``recognition.retrieval``)."""
    with CaptureQueriesContext(connections[store.alias]) as statements:
        identified = identify(query, store, config)
    return identified, sum("hash_popularity" in statement["sql"] for statement in statements)


@pytest.mark.django_db(databases=BOTH_DATABASES)
def test_a_clip_that_matches_as_played_is_decided_on_as_it_is(
    tmp_path: Path, song: np.ndarray, store: FingerprintStore, config: EngineConfig
) -> None:
    query = _query(tmp_path, cut(song, 6.0, 5.0), config)

    identified, retrievals = _identify_counting_retrievals(query, store, config)

    assert identified.query is query and retrievals == 1 and identified.speed == 1.0
    assert identified.verdict.winner is not None and identified.verdict.winner.song_id == 1
    assert config.frames_to_seconds(identified.verdict.winner.offset_frames) == pytest.approx(
        6.0, abs=0.03
    )


@pytest.mark.django_db(databases=BOTH_DATABASES)
def test_a_clip_played_fast_is_decided_on_corrected_for_its_speed(
    tmp_path: Path, song: np.ndarray, store: FingerprintStore, config: EngineConfig
) -> None:
    played = soxr.resample(cut(song, 6.0, 5.0 * 1.03), SAMPLE_RATE * 1.03, SAMPLE_RATE)
    query = _query(tmp_path, played, config)

    identified = identify(query, store, config)

    assert decide(identified.hits, config, retry=True) == identified.verdict
    assert identified.query is not query and identified.speed == 1.03
    assert identified.query.audio.duration_seconds == pytest.approx(5.0 * 1.03, abs=0.01)
    assert identified.verdict.winner is not None and identified.verdict.winner.song_id == 1


@pytest.mark.django_db(databases=BOTH_DATABASES)
@pytest.mark.parametrize(
    "clip, searches_speeds",
    [
        pytest.param(synth_song(42, 5), True, id="another song: no speed stands out"),
        pytest.param(np.zeros(5 * SAMPLE_RATE, np.float32), False, id="silence: no speed search"),
    ],
)
def test_a_clip_of_no_stored_song_is_decided_on_as_it_is(
    tmp_path: Path,
    song: np.ndarray,
    store: FingerprintStore,
    config: EngineConfig,
    clip: np.ndarray,
    searches_speeds: bool,
) -> None:
    query = _query(tmp_path, clip, config)

    identified, retrievals = _identify_counting_retrievals(query, store, config)

    assert identified.query is query and identified.verdict.winner is None
    # One retrieval as played, then one for every moved speed at once; none re-analysed.
    assert retrievals == 1 + searches_speeds
    assert likely_speeds(query, store, config) == []


@pytest.mark.django_db(databases=BOTH_DATABASES)
@pytest.mark.parametrize("speed", [0.97, 1.02, 1.05])
def test_the_speed_a_clip_was_played_at_stands_out_of_the_others(
    tmp_path: Path, song: np.ndarray, store: FingerprintStore, config: EngineConfig, speed: float
) -> None:
    played = soxr.resample(cut(song, 6.0, 5.0 * speed), SAMPLE_RATE * speed, SAMPLE_RATE)

    assert likely_speeds(_query(tmp_path, played, config), store, config)[0] == speed


@pytest.mark.django_db(databases=BOTH_DATABASES)
@pytest.mark.parametrize(
    "seed, start_seconds",
    [
        pytest.param(7, 20, id="a note's harmonics at one instant"),
        pytest.param(31, 20, id="13 of 21 votes from one frame"),
        pytest.param(12, 0, id="12 chance votes against a background of 5"),
    ],
)
def test_clips_of_songs_in_the_same_style_that_chance_lines_up_are_not_named(
    tmp_path: Path, store: FingerprintStore, config: EngineConfig, seed: int, start_seconds: int
) -> None:
    """Songs made alike (one synthesiser's notes, one drum kit) share partials: clips of
    unknown songs once lined up with a song of seven at one instant, or a little everywhere."""
    for song_id in range(7):
        song = write_audio(tmp_path / f"song_{song_id}.wav", synth_song(song_id), SAMPLE_RATE)
        store.add(song_id + 1, analyse_song(song, config).hashes)
    clip = cut(synth_song(seed), float(start_seconds), 5.0)

    identified = identify(_query(tmp_path, clip, config), store, config)

    assert identified.verdict.winner is None
