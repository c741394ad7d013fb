"""The *why this match* pictures, as inline SVG markup built from a ``MatchEvidence``.

``constellation_svg`` draws the clip's spectrogram with its peaks and the peak pairs that
matched the song; ``offset_histogram_svg`` draws where in the song every hit pointed, so the
pile-up at the winning offset shows. Both return markup safe to include as is (all embedded text
is escaped), scale to the width of their container, and carry classes (``peaks``, ``pairs``,
``pair-ends``, ``bar``, ``bar win``, ``axis``…) so a page stylesheet can restyle what their
inline defaults draw.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from catalog.timecodes import clock

from .evidence import MatchEvidence

_WIDTH = 640
_PANEL = "#0f0c1d"
_INK = "#d4d4e0"
_GRID = "#5b5873"
_ACCENT = "#22d3ee"
_BAR = "#8a879c"

#: The spectrogram picture is pooled down to at most this many pixels and this many levels:
#: the browser smooths it over the plot, peaks survive max-pooling, levels under 2 dB apart
#: show no banding in this palette, and the data: URI stays under about 15 kB.
_MAX_IMAGE_COLUMNS = 320
_MAX_IMAGE_ROWS = 120
_LEVELS = 32
#: Levels shown: from the 99th percentile (a few loud partials may clip) down this many dB,
#: about the range between music and the noise floor of a phone recording.
_DYNAMIC_RANGE_DB = 60.0
#: Inferno (perceptually uniform, dark at the bottom), sampled at 0, 0.1, …, 1, and cut short of
#: its palest yellow so the white peaks and the accent pairs stay visible on the loudest cells.
_INFERNO = [
    "#000004",
    "#160b39",
    "#420a68",
    "#6a176e",
    "#932667",
    "#bc3754",
    "#dd513a",
    "#f37819",
    "#fca50a",
    "#f6d746",
    "#fcffa4",
]
_PALETTE_TOP = 0.8

_HISTOGRAM_BARS = 150
#: A bar is never narrower than this many frames, so the winning votes (spread over ±1 frame
#: by the default alignment tolerance) land in one bar even for a very short song.
_MIN_BAR_FRAMES = 4
#: Another bar at least this share of the winning one's height is the song repeating itself.
REPEAT_SHARE = 0.5

#: Labels are drawn at 13 units, but the page's stylesheet enlarges them up to this many on a
#: phone, where the picture shrinks to half its width: margins and tick spacing make room.
_LARGEST_FONT_UNITS = 24
#: Below the plot: the tick, a gap, the largest label and a margin.
_BELOW_PLOT = 4 + 3 + _LARGEST_FONT_UNITS + 7

_CLIP_STEPS_SECONDS = (0.5, 1, 2, 5, 10)
#: Octaves, on the logarithmic frequency axis.
_FREQUENCY_TICKS_HZ = (125, 250, 500, 1000, 2000, 4000, 8000)
_SONG_STEPS_SECONDS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
_VOTE_STEPS = tuple(m * 10**e for e in range(7) for m in (1, 2, 5))


@dataclass(frozen=True)
class OffsetBars:
    """The song cut into bars of equal length, each as tall as the most votes that any one
    offset in it collected (the hits within the alignment tolerance of it): the winning bar is
    exactly the match's aligned votes, and another tall bar is another place in the same song
    the clip lines up with, where the song repeats itself."""

    #: Bar edges over the song (s), ascending; one more than the bars.
    edges: np.ndarray
    votes: np.ndarray
    #: Index of the bar holding the winning offset.
    win: int

    def tallest_elsewhere(self) -> tuple[float, int] | None:
        """The middle (s) and votes of the tallest bar but the winning one; None when no other
        bar has votes."""
        others = np.delete(self.votes, self.win)
        if not others.any():
            return None
        index = int(np.argmax(others))
        index += index >= self.win
        return float(self.edges[index] + self.edges[index + 1]) / 2, int(self.votes[index])

    def repeat(self) -> tuple[float, int] | None:
        """The tallest other bar, if it reaches ``REPEAT_SHARE`` of the winning one."""
        other = self.tallest_elsewhere()
        return other if other and other[1] >= REPEAT_SHARE * self.votes[self.win] else None


@dataclass(frozen=True)
class _Plot:
    """A plot area in SVG user units and the data ranges it spans (y grows upwards)."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, values: np.ndarray | float) -> np.ndarray:
        low, high = self.x_range
        return self.left + (np.asarray(values, float) - low) / (high - low) * self.width

    def y(self, values: np.ndarray | float) -> np.ndarray:
        low, high = self.y_range
        return self.bottom - (np.asarray(values, float) - low) / (high - low) * self.height


@dataclass(frozen=True)
class MatchPictures:
    """A match's *why this match* pictures as its card shows them, and the place the song
    repeats the clip (its middle in s and its votes), if any (``OffsetBars.repeat``)."""

    constellation_svg: str
    histogram_svg: str
    repeat: tuple[float, int] | None


def match_pictures(evidence: MatchEvidence) -> MatchPictures:
    return MatchPictures(
        constellation_svg(evidence), offset_histogram_svg(evidence), offset_bars(evidence).repeat()
    )


def constellation_svg(evidence: MatchEvidence) -> str:
    """The clip's spectrogram (an embedded PNG), every peak as a dim dot, and each matched peak
    pair as an accent line from anchor to target; time in s across, frequency in Hz up, on a
    logarithmic axis (each octave the same height, as the ear hears them)."""
    frames = evidence.spectrogram_db.shape[1]
    plot = _Plot(
        left=58,
        top=30,
        width=_WIDTH - 58 - 28,
        height=196,
        x_range=(0.0, frames / evidence.frames_per_second),
        y_range=_log_band(evidence),
    )
    pairs = len(evidence.anchor_frames)
    description = (
        f"Spectrogram of the {evidence.clip_seconds:.1f} s clip with "
        f"{_count(len(evidence.peak_frames), 'peak')}; "
        f"{_count(pairs, 'peak pair')} matched the song at the same offset"
    )
    ticks_hz = np.array(_FREQUENCY_TICKS_HZ, float)
    ticks_hz = ticks_hz[
        (np.log2(ticks_hz) >= plot.y_range[0]) & (np.log2(ticks_hz) <= plot.y_range[1])
    ]
    body = [
        f'<image class="spectrogram" x="{_n(plot.left)}" y="{_n(plot.top)}" '
        f'width="{_n(plot.width)}" height="{_n(plot.height)}" preserveAspectRatio="none" '
        f'href="data:image/png;base64,{_spectrogram_png(evidence)}"/>',
        *_peak_marks(plot, evidence),
        *_x_axis(plot, _ticks(plot.x_range, _CLIP_STEPS_SECONDS, 7), lambda s: f"{s:g} s"),
        *_y_axis(plot, ticks_hz, _hz, at=np.log2),
        _axis_title(plot, "Hz"),
    ]
    return _svg(
        "constellation", plot, "Peaks of the clip and the pairs that matched", description, body
    )


def offset_histogram_svg(evidence: MatchEvidence) -> str:
    """For each stretch of the whole song, the most hits on it that voted for any one offset
    in it (where the clip would start in the song); the bar holding the winning offset is drawn
    in the accent colour."""
    bars = offset_bars(evidence)
    edges, votes, win = bars.edges, bars.votes, bars.win
    tallest = max(int(votes.max()), 1)
    plot = _Plot(
        # Room for four-digit vote counts.
        left=66,
        top=56,
        width=_WIDTH - 66 - 34,
        height=124,
        x_range=(float(edges[0]), float(edges[-1])),
        y_range=(0.0, tallest * 1.05),
    )
    start = clock(evidence.offset_seconds)
    other = bars.tallest_elsewhere()
    description = (
        f"For each stretch of the song ({clock(edges[0])} to {clock(edges[-1])}), the most of "
        f"the clip's peak pairs that matched at one moment in it: {votes[win]} pile up at "
        f"{start}, where the clip starts, against at most {other[1] if other else 0} "
        "anywhere else in the song"
    )
    body = [
        *_bars(plot, edges, votes, win),
        _win_label(plot, edges, votes, win, start),
        *_x_axis(plot, _ticks(plot.x_range, _SONG_STEPS_SECONDS, 8), clock),
        # No 0: the axis line is, and its label would meet the first time label's.
        *_y_axis(plot, _ticks(plot.y_range, _VOTE_STEPS, 4)[1:], lambda v: f"{v:g}"),
        _axis_title(plot, "pairs"),
    ]
    return _svg("offsets", plot, "Where the clip's matches point in the song", description, body)


def _svg(kind: str, plot: _Plot, title: str, description: str, body: Sequence[str]) -> str:
    """The picture around ``body``: as tall as ``plot`` and what is drawn below it."""
    height = round(plot.bottom + _BELOW_PLOT)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kazoom-chart {kind}" role="img" '
            f'viewBox="0 0 {_WIDTH} {height}" width="100%" '
            'font-family="system-ui, sans-serif" font-size="13">',
            f"<title>{html.escape(title)}</title>",
            f"<desc>{html.escape(description)}</desc>",
            f'<rect class="panel" width="{_WIDTH}" height="{height}" rx="6" fill="{_PANEL}"/>',
            *body,
            "</svg>",
        ]
    )


def _spectrogram_png(evidence: MatchEvidence) -> str:
    """Base64 PNG of the spectrogram on the logarithmic frequency axis, max-pooled to fit the
    picture limits, low frequencies at the bottom, coloured by a dark-to-bright palette."""
    rows = _log_rows(evidence)
    pooled = _max_pool(rows, rows.shape[0], _MAX_IMAGE_COLUMNS)
    loudest = np.percentile(pooled, 99)
    level = np.clip((pooled - loudest) / _DYNAMIC_RANGE_DB + 1.0, 0.0, 1.0)
    image = Image.fromarray(np.round(level[::-1] * (_LEVELS - 1)).astype(np.uint8))
    image.putpalette(_palette())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, bits=_LEVELS.bit_length() - 1)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _log_band(evidence: MatchEvidence) -> tuple[float, float]:
    """The spectrogram's frequency band, from its lowest cell's edge to its highest's, in
    log2(Hz)."""
    first = evidence.min_bin - 0.5
    last = first + evidence.spectrogram_db.shape[0]
    return float(_log_hz(first, evidence)), float(_log_hz(last, evidence))


def _log_hz(bins: np.ndarray | float, evidence: MatchEvidence) -> np.ndarray:
    """log2 of the frequency of FFT bin positions; the DC bin is drawn at half a bin."""
    return np.log2(np.maximum(np.asarray(bins, float), 0.5) * evidence.hz_per_bin)


def _log_rows(evidence: MatchEvidence) -> np.ndarray:
    """The spectrogram resampled to at most ``_MAX_IMAGE_ROWS`` rows of equal log-frequency
    height, bottom row first: each row is the loudest of the cells it overlaps, so low rows,
    narrower than a cell, repeat it, and high rows, wider, keep their peaks."""
    spectrogram = evidence.spectrogram_db
    low, high = _log_band(evidence)
    count = min(spectrogram.shape[0], _MAX_IMAGE_ROWS)
    row_edges = np.linspace(low, high, count + 1)
    cell_edges = _log_hz(evidence.min_bin - 0.5 + np.arange(spectrogram.shape[0] + 1), evidence)
    firsts = np.searchsorted(cell_edges[1:], row_edges[:-1], side="right")
    stops = np.maximum(np.searchsorted(cell_edges[:-1], row_edges[1:], side="left"), firsts + 1)
    return np.stack([spectrogram[a:b].max(axis=0) for a, b in zip(firsts, stops)])


def _max_pool(values: np.ndarray, max_rows: int, max_columns: int) -> np.ndarray:
    """Largest value of each block, with blocks just big enough to fit the limits (edge cells
    are repeated to fill the last block, stretching it by less than one pixel's worth)."""
    block_rows = math.ceil(values.shape[0] / max_rows)
    block_columns = math.ceil(values.shape[1] / max_columns)
    rows = math.ceil(values.shape[0] / block_rows)
    columns = math.ceil(values.shape[1] / block_columns)
    padded = np.pad(
        values,
        ((0, rows * block_rows - values.shape[0]), (0, columns * block_columns - values.shape[1])),
        mode="edge",
    )
    return padded.reshape(rows, block_rows, columns, block_columns).max(axis=(1, 3))


def _palette() -> list[int]:
    """``_LEVELS`` RGB entries running through the inferno colours up to ``_PALETTE_TOP``."""
    anchors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in _INFERNO], float)
    at = np.linspace(0.0, _PALETTE_TOP, _LEVELS) * (len(_INFERNO) - 1)
    channels = [np.interp(at, np.arange(len(_INFERNO)), anchors[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(int).ravel().tolist()


def _peak_marks(plot: _Plot, evidence: MatchEvidence) -> list[str]:
    """Dots for all peaks, then the matched pairs' lines and their endpoints over them. A
    frame or bin is drawn at the centre of its spectrogram cell."""

    def at(frames: np.ndarray, bins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seconds = (np.asarray(frames, float) + 0.5) / evidence.frames_per_second
        return plot.x(seconds), plot.y(_log_hz(bins, evidence))

    peak_x, peak_y = at(evidence.peak_frames, evidence.peak_bins)
    x1, y1 = at(evidence.anchor_frames, evidence.anchor_bins)
    x2, y2 = at(evidence.target_frames, evidence.target_bins)
    # A peak is often the end of several pairs: mark it once.
    ends = sorted({(_n(x), _n(y)) for x, y in zip([*x1, *x2], [*y1, *y2])})
    return [
        '<g class="peaks" fill="#ffffff" fill-opacity="0.7">',
        *(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="1.8"/>' for x, y in zip(peak_x, peak_y)),
        "</g>",
        # One path of segments: a third of the bytes of a <line> per pair.
        f'<path class="pairs" stroke="{_ACCENT}" stroke-width="1.1" stroke-opacity="0.75" '
        f'fill="none" d="{"".join(_segment(*points) for points in zip(x1, y1, x2, y2))}"/>',
        # Round caps on zero-length segments: a dot per end in a few bytes each.
        f'<path class="pair-ends" stroke="{_ACCENT}" stroke-width="4.4" stroke-linecap="round" '
        f'd="{"".join(f"M{x} {y}h0" for x, y in ends)}"/>',
    ]


def offset_bars(evidence: MatchEvidence) -> OffsetBars:
    """The bars of the offset picture (see ``OffsetBars``).

    The bars are laid so that the winning offset sits at the centre of its bar. They span the
    song, stretched to take in the whole winning bar and clip: a clip may start before the
    song (a negative offset) or run past its end, and a song of unknown length (0 s) ends with
    the clip. Offsets outside the span are left out.
    """
    offset = evidence.offset_seconds
    stop = max(evidence.song_duration_seconds, offset + evidence.clip_seconds)
    width = max(
        (stop - min(offset, 0.0)) / _HISTOGRAM_BARS,
        _MIN_BAR_FRAMES / evidence.frames_per_second,
    )
    start = min(offset - width / 2, 0.0)
    below = np.arange(offset - width / 2, start, -width)[::-1]
    above = np.arange(offset + width / 2, stop, width)
    edges = np.concatenate([[start], below, above, [stop]])
    bar = np.searchsorted(edges, evidence.offsets_seconds, side="right") - 1
    inside = (bar >= 0) & (bar < len(edges) - 1)
    votes = np.zeros(len(edges) - 1, np.int64)
    np.maximum.at(votes, bar[inside], evidence.offset_votes[inside])
    return OffsetBars(edges, votes, len(below))


def _bars(plot: _Plot, edges: np.ndarray, votes: np.ndarray, win: int) -> list[str]:
    """One rect per bar that has votes, with a hairline gap between neighbours."""
    left, right, top = plot.x(edges[:-1]), plot.x(edges[1:]), plot.y(votes)
    gap = min(0.6, plot.width / len(votes) / 4)
    looks = {True: f'class="bar win" fill="{_ACCENT}"', False: f'class="bar" fill="{_BAR}"'}
    return [
        f'<rect {looks[i == win]} x="{_n(left[i])}" y="{_n(top[i])}"'
        f' width="{_n(max(right[i] - left[i] - gap, 0.3))}" height="{_n(plot.bottom - top[i])}"/>'
        for i in np.flatnonzero(votes)
    ]


def _win_label(plot: _Plot, edges: np.ndarray, votes: np.ndarray, win: int, text: str) -> str:
    """The winning offset above its bar, kept inside the plot near either end, clear of the
    axis labels at the largest font."""
    centre = float(plot.x((edges[win] + edges[win + 1]) / 2))
    half = 1.4 * _LARGEST_FONT_UNITS
    x = min(max(centre, plot.left + half), plot.left + plot.width - half)
    return (
        f'<text class="win-label" x="{_n(x)}" y="{_n(float(plot.y(votes[win])) - 5)}" '
        f'text-anchor="middle" font-weight="bold" fill="{_ACCENT}">{html.escape(text)}</text>'
    )


def _x_axis(plot: _Plot, ticks: np.ndarray, label: Callable[[float], str]) -> list[str]:
    xs = plot.x(ticks)
    return _axis(
        "x",
        'text-anchor="middle" dominant-baseline="hanging"',
        [(plot.left, plot.bottom, plot.left + plot.width, plot.bottom)]
        + [(x, plot.bottom, x, plot.bottom + 4) for x in xs],
        [(x, plot.bottom + 7, label(t)) for x, t in zip(xs, ticks)],
    )


def _y_axis(
    plot: _Plot,
    ticks: np.ndarray,
    label: Callable[[float], str],
    at: Callable[[np.ndarray], np.ndarray] = np.asarray,
) -> list[str]:
    """The y axis with a tick and label at each of ``ticks``, drawn where ``at`` of it falls on
    the plot's y range (``np.log2`` for a logarithmic axis)."""
    ys = plot.y(at(ticks))
    return _axis(
        "y",
        'text-anchor="end" dominant-baseline="central"',
        [(plot.left, plot.top, plot.left, plot.bottom)]
        + [(plot.left - 4, y, plot.left, y) for y in ys],
        [(plot.left - 7, y, label(t)) for y, t in zip(ys, ticks)],
    )


def _axis_title(plot: _Plot, text: str) -> str:
    """What the y axis counts, above the plot, clear of the axis labels."""
    return (
        f'<text class="axis-title" x="{_n(plot.left + 4)}" y="4" dominant-baseline="hanging" '
        f'fill="{_INK}">{html.escape(text)}</text>'
    )


def _axis(
    name: str,
    placing: str,
    lines: list[tuple[float, float, float, float]],
    labels: list[tuple[float, float, str]],
) -> list[str]:
    """The axis line and tick marks (``lines``), then the tick labels at their points, placed
    by the ``placing`` attributes."""
    return [
        f'<g class="axis {name}" stroke="{_GRID}">',
        *(_line(*points) for points in lines),
        f'</g><g class="axis-labels {name}" fill="{_INK}" {placing}>',
        *(f'<text x="{_n(x)}" y="{_n(y)}">{html.escape(text)}</text>' for x, y, text in labels),
        "</g>",
    ]


def _hz(hz: float) -> str:
    """A frequency label: 125, 250, 500, 1k, 2k…"""
    return f"{hz / 1000:g}k" if hz >= 1000 else f"{hz:g}"


def _segment(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"M{_n(x1)} {_n(y1)}L{_n(x2)} {_n(y2)}"


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'


def _ticks(span: tuple[float, float], steps: Sequence[float], most: int) -> np.ndarray:
    """Multiples of the smallest step in ``steps`` that puts at most ``most`` ticks in ``span``
    (of the largest step when none does)."""
    low, high = span
    step = next((s for s in steps if (high - low) / s < most), steps[-1])
    return np.arange(math.ceil(low / step), math.floor(high / step) + 1) * step


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing ``.0``."""
    return f"{round(float(value), 1):g}"
