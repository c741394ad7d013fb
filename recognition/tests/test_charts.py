"""The *why this match* pictures: drawn from real evidence, and mapped where they claim."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore
from recognition.charts import constellation_svg, offset_bars, offset_histogram_svg
from recognition.evidence import MatchEvidence
from recognition.services import recognize
from testsupport.codecs import write_audio
from testsupport.commands import run_command
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song

SVG = "{http://www.w3.org/2000/svg}"
SONG_SECONDS = 20.0
CLIP_START_SECONDS = 8.3

Explain = Callable[[float], MatchEvidence]


@pytest.fixture(scope="session")
def two_songs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """A folder of two 20 s FLAC songs, and the samples of the second."""
    folder = tmp_path_factory.mktemp("two_songs")
    songs = [synth_song(seed, seconds=SONG_SECONDS) for seed in (11, 12)]
    for seed, samples in zip((11, 12), songs):
        write_audio(folder / f"song_{seed}.flac", samples, SAMPLE_RATE)
    return folder, songs[1]


@pytest.fixture
def explain(
    two_songs: tuple[Path, np.ndarray],
    tmp_path: Path,
    store: FingerprintStore,
    config: EngineConfig,
) -> Explain:
    """Index the two songs, then give the evidence for a clip of the given length of the
    second song, starting at ``CLIP_START_SECONDS``."""
    folder, samples = two_songs
    assert run_command("index_songs", str(folder)).exit_code == 0

    def evidence(clip_seconds: float) -> MatchEvidence:
        first = int(CLIP_START_SECONDS * SAMPLE_RATE)
        clip = samples[first : first + int(clip_seconds * SAMPLE_RATE)]
        path = write_audio(tmp_path / f"clip_{clip_seconds:g}.wav", clip, SAMPLE_RATE)
        result = recognize(path, store=store, config=config, explain=True)
        assert result.evidence is not None
        return result.evidence

    return evidence


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _all(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if css_class in e.get("class", "").split()]


def _in_group(root: ET.Element, css_class: str, tag: str) -> list[ET.Element]:
    [group] = _all(root, "g", css_class)
    return list(group.iter(f"{SVG}{tag}"))


def _pair_lines(root: ET.Element) -> list[list[float]]:
    """x1, y1, x2, y2 of each segment of the matched pairs' path."""
    [path] = _all(root, "path", "pairs")
    segments = path.get("d", "").split("M")[1:]
    return [[float(v) for v in segment.replace("L", " ").split()] for segment in segments]


def _pair_ends(root: ET.Element) -> list[str]:
    [path] = _all(root, "path", "pair-ends")
    return path.get("d", "").split("M")[1:]


def _text(root: ET.Element, tag: str) -> str:
    element = root.find(f"{SVG}{tag}")
    assert element is not None and element.text
    return element.text


def _number(element: ET.Element, attribute: str) -> float:
    value = element.get(attribute)
    assert value is not None, f"no {attribute}"
    return float(value)


def _axis_labels(root: ET.Element, axis: str) -> list[str]:
    [group] = [g for g in _all(root, "g", "axis-labels") if axis in g.get("class", "").split()]
    return [t.text or "" for t in group]


def _png(root: ET.Element) -> Image.Image:
    [image] = root.iter(f"{SVG}image")
    prefix = "data:image/png;base64,"
    href = image.get("href", "")
    assert href.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(href.removeprefix(prefix))))


def _bar_heights(root: ET.Element) -> tuple[float, list[float]]:
    [win] = _all(root, "rect", "win")
    return _number(win, "height"), [_number(b, "height") for b in _all(root, "rect", "bar")]


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_pictures_of_a_real_match(explain: Explain) -> None:
    evidence = explain(5.0)
    pairs = len(evidence.anchor_frames)

    constellation = _parse(constellation_svg(evidence))
    histogram = _parse(offset_histogram_svg(evidence))

    frames = np.r_[evidence.anchor_frames, evidence.target_frames]
    ends = set(zip(frames.tolist(), np.r_[evidence.anchor_bins, evidence.target_bins].tolist()))
    assert pairs > 0
    assert len(_pair_lines(constellation)) == pairs
    assert len(_pair_ends(constellation)) == len(ends)
    assert len(_in_group(constellation, "peaks", "circle")) == len(evidence.peak_frames) > 0
    assert constellation.get("role") == histogram.get("role") == "img"
    assert _text(constellation, "title")
    assert _text(constellation, "desc") == (
        f"Spectrogram of the {evidence.clip_seconds:.1f} s clip with "
        f"{len(evidence.peak_frames)} peaks; "
        f"{pairs} peak pairs matched the song at the same offset"
    )
    png = _png(constellation)
    assert png.width <= 320 and png.height <= 120
    assert png.width == evidence.spectrogram_db.shape[1]  # 5 s of frames need no pooling
    win, heights = _bar_heights(histogram)
    assert [label.text for label in _all(histogram, "text", "win-label")] == ["0:08"]
    assert _text(histogram, "title")
    assert win == max(heights) > 0
    assert f"{evidence.offset_votes.max()} pile up at 0:08, where the clip starts" in _text(
        histogram, "desc"
    )
    assert "(0:00 to 0:20)" in _text(histogram, "desc")


@pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)
def test_pictures_of_a_ten_second_clip_stay_small(explain: Explain) -> None:
    evidence = explain(10.0)

    assert evidence.clip_seconds > 9.9
    assert len(constellation_svg(evidence).encode()) < 50_000
    assert len(offset_histogram_svg(evidence).encode()) < 10_000


def _votes(hit_offsets_seconds: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """Offsets and votes of hits at these offsets, an alignment tolerance of 0 apart."""
    offsets, votes = np.unique(np.asarray(hit_offsets_seconds, float), return_counts=True)
    return {"offsets_seconds": offsets, "offset_votes": votes}


def _evidence(**fields: Any) -> MatchEvidence:
    """Hand-made evidence: 100 frames at 10 per second, FFT bins 10–59 of 20 Hz."""
    defaults: dict[str, Any] = {
        "spectrogram_db": np.full((50, 100), -80.0),
        "min_bin": 10,
        "hz_per_bin": 20.0,
        "frames_per_second": 10.0,
        "peak_frames": np.array([0, 99, 40]),
        "peak_bins": np.array([10, 59, 30]),
        "anchor_frames": np.array([0]),
        "anchor_bins": np.array([10]),
        "target_frames": np.array([99]),
        "target_bins": np.array([59]),
        **_votes([74.2] * 30 + [12.0, 150.0]),
        "offset_seconds": 74.2,
        "song_duration_seconds": 200.0,
        "clip_seconds": 10.0,
    }
    return MatchEvidence(**(defaults | fields))


def _box(root: ET.Element) -> tuple[float, float, float, float]:
    [image] = root.iter(f"{SVG}image")
    x, y, width, height = (_number(image, a) for a in ("x", "y", "width", "height"))
    return x, y, width, height


def test_peaks_land_on_their_spectrogram_cells() -> None:
    root = _parse(constellation_svg(_evidence()))
    x, y, width, height = _box(root)

    def expected(frame: int, fft_bin: int) -> tuple[float, float]:
        # Bins 10–59 of 20 Hz span 190–1190 Hz, on a log axis.
        up = np.log2(fft_bin / 9.5) / np.log2(59.5 / 9.5)
        return x + (frame + 0.5) / 100 * width, y + height - up * height

    dots = [_number(c, a) for c in _in_group(root, "peaks", "circle") for a in ("cx", "cy")]
    [line] = _pair_lines(root)
    assert dots == pytest.approx([*expected(0, 10), *expected(99, 59), *expected(40, 30)], abs=0.06)
    assert line == pytest.approx([*expected(0, 10), *expected(99, 59)], abs=0.06)


def _ticks(root: ET.Element, axis: str) -> dict[str, float]:
    """Tick label → position of its tick mark along the axis (the first line is the axis)."""
    [group] = [g for g in _all(root, "g", "axis") if axis in g.get("class", "").split()]
    marks = [_number(line, f"{axis}1") for line in group][1:]
    return dict(zip(_axis_labels(root, axis), marks, strict=True))


def test_axes_are_labelled_in_seconds_and_octaves_of_hertz() -> None:
    root = _parse(constellation_svg(_evidence()))
    x, y, width, height = _box(root)

    seconds, frequencies = _ticks(root, "x"), _ticks(root, "y")

    assert list(seconds) == [f"{s} s" for s in range(0, 11, 2)]
    assert seconds["4 s"] == pytest.approx(x + 0.4 * width, abs=0.06)
    assert list(frequencies) == ["250", "500", "1k"]
    assert [t.text for t in _all(root, "text", "axis-title")] == ["Hz"]
    # Octaves are the same height: the band 190–1190 Hz is 2.65 of them.
    octave = height / np.log2(1190 / 190)
    assert frequencies["250"] - frequencies["500"] == pytest.approx(octave, abs=0.1)
    assert frequencies["500"] - frequencies["1k"] == pytest.approx(octave, abs=0.1)
    assert frequencies["1k"] == pytest.approx(y + height - np.log2(1000 / 190) * octave, abs=0.06)


def test_low_frequencies_are_at_the_bottom_of_the_picture() -> None:
    spectrogram = np.full((50, 100), -90.0)
    spectrogram[:5] = -10.0  # loud in the lowest bins only

    png = np.asarray(_png(_parse(constellation_svg(_evidence(spectrogram_db=spectrogram)))))

    assert png[-1].min() > png[0].max()


def test_a_long_clip_is_pooled_down_keeping_its_loudest_cells() -> None:
    spectrogram = np.full((456, 1300), -90.0)
    spectrogram[100:120] = -30.0  # a loud band sets the top of the scale
    spectrogram[300, 700] = -20.0  # one louder cell in a quiet place

    png = _png(_parse(constellation_svg(_evidence(spectrogram_db=spectrogram))))

    assert png.size == (260, 120)  # 120 rows of equal log-frequency height, 5 frames a pixel
    # Bin 310 (6.2 kHz) of a band of 190 Hz–9.31 kHz: the row that far up the log axis, from
    # the bottom, is at the top of the palette's 32 levels.
    row = int(np.log2(6200 / 190) / np.log2(9310 / 190) * 120)
    assert np.asarray(png)[119 - row, 700 // 5] == 31
    assert np.asarray(png)[119 - row - 2, 700 // 5] < 31


@pytest.mark.parametrize(
    ("offset", "label"),
    [(74.2, "1:14"), (0.0, "0:00"), (199.6, "3:20"), (12.49, "0:12"), (-3.2, "-0:03")],
)
def test_the_winning_offset_has_the_tallest_bar_and_a_label(offset: float, label: str) -> None:
    votes = np.r_[offset + np.array([-0.02, 0.0, 0.02] * 10), np.linspace(0, 200, 60)]
    root = _parse(offset_histogram_svg(_evidence(**_votes(votes), offset_seconds=offset)))

    win, heights = _bar_heights(root)
    assert win == max(heights) and heights.count(win) == 1
    assert [t.text for t in _all(root, "text", "win-label")] == [label]
    assert f"pile up at {label}" in _text(root, "desc")


def test_the_song_is_cut_into_100_to_200_bars_and_outside_votes_are_left_out() -> None:
    votes = np.r_[np.linspace(0, 200, 1000), [-3.0, 250.0] * 100]

    root = _parse(offset_histogram_svg(_evidence(**_votes(votes))))

    heights = _bar_heights(root)[1]
    assert 100 <= len(heights) <= 200
    # Votes clipped into the first or last bar would make it stand out.
    assert max(heights) < 2 * np.median(heights)
    assert _axis_labels(root, "x") == ["0:00", "0:30", "1:00", "1:30", "2:00", "2:30", "3:00"]


def test_a_song_of_unknown_length_is_drawn_to_the_end_of_the_clip() -> None:
    root = _parse(offset_histogram_svg(_evidence(song_duration_seconds=0.0)))

    assert "(0:00 to 1:24)" in _text(root, "desc")  # 74.2 s + the 10 s clip
    assert [t.text for t in _all(root, "text", "win-label")] == ["1:14"]


def test_a_bar_is_the_most_votes_at_one_moment_of_its_stretch() -> None:
    # 30 votes at 1:14.2 and, in the same 1.4 s bar, 20 offsets of 5 votes each.
    near = np.repeat(74.2 + np.linspace(-0.6, 0.6, 21)[np.arange(21) != 10], 5)
    evidence = _evidence(**_votes(np.r_[[74.2] * 30, near, [12.0, 150.0]]))

    root = _parse(offset_histogram_svg(evidence))

    win, heights = _bar_heights(root)
    assert "30 pile up at 1:14" in _text(root, "desc")
    # The next tallest bars hold one vote each (at 0:12 and 2:30): a thirtieth of the winner.
    assert sorted(heights)[-2] == pytest.approx(win / 30, abs=0.1) and win == max(heights)


@pytest.mark.parametrize(("second_votes", "repeat"), [(20, True), (10, False)])
def test_another_tall_bar_is_the_song_repeating(second_votes: int, repeat: bool) -> None:
    evidence = _evidence(**_votes([74.2] * 30 + [150.0] * second_votes + [12.0]))

    bars = offset_bars(evidence)

    at, votes = bars.tallest_elsewhere() or (0.0, 0)
    assert at == pytest.approx(150.0, abs=1.4) and votes == second_votes
    assert (bars.repeat() is not None) is repeat
