"""How a timeline job is shown: its JSON for the API, its result as CSV, and the picture and
the table of its page. All of them read the job's result, the object ``timeline --json``
prints."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from typing import Any

from django.urls import reverse

from catalog.timecodes import clock, hms

from .models import TimelineJob
from .timeline_gaps import with_gaps


def job_json(job: TimelineJob, url: str) -> dict[str, Any]:
    """The job as the API shows it at ``url``: its result only once done, its error only once
    failed."""
    error = {"code": job.error_code, "message": job.error_message} if job.error_code else None
    return {
        "id": job.public_id,
        "url": url,
        "status": job.status,
        "file_name": job.file_name,
        "progress": {
            "done_seconds": round(job.done_seconds, 1),
            "total_seconds": None if job.total_seconds is None else round(job.total_seconds, 1),
        },
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": error,
        "result": job.result,
    }


#: The CSV's columns: a segment's fields in the result, in this order.
CSV_COLUMNS = (
    "from_seconds",
    "to_seconds",
    "song_id",
    "title",
    "artist",
    "album",
    "song_from_seconds",
    "song_to_seconds",
    "confidence",
    "speed",
)


def timeline_csv(result: dict[str, Any]) -> str:
    """A header row, then a row per segment, in order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for segment in result["segments"]:
        writer.writerow(["" if segment[c] is None else segment[c] for c in CSV_COLUMNS])
    return out.getvalue()


@dataclass(frozen=True)
class Row:
    """A row of the page's table: a segment (``segment`` set) or a gap (None)."""

    from_time: str
    to_time: str
    segment: dict[str, Any] | None


def table_rows(result: dict[str, Any]) -> list[Row]:
    """The segments and the gaps between them, in order, their times as hh:mm:ss."""
    segments = result["segments"]
    spans = [(s["from_seconds"], s["to_seconds"]) for s in segments]
    return [
        Row(hms(start), hms(end), None if index is None else segments[index])
        for start, end, index in with_gaps(spans, result["duration_seconds"])
    ]


#: The picture's coordinates: its width, the lane of each song, and room for the axis.
WIDTH = 1000
LEFT, RIGHT = 8, 8
LANE_HEIGHT = 46
BAR_HEIGHT = 18
#: The first lane is the whole recording, every song in it, so the gaps show as gaps.
OVERVIEW_HEIGHT = 40
OVERVIEW_Y = 12
AXIS_HEIGHT = 40
#: How many colours the stylesheet gives bars (``bar-0`` …).
COLOURS = 6
#: Steps of the time axis (seconds); the first that gives at most ``MAX_TICKS``.
TICK_STEPS = (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
MAX_TICKS = 8
#: A tick this close to the right edge has its label end at it, so that it is not cut off.
END_LABEL_UNITS = 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    colour: int
    label: str
    #: Where the label is anchored (its x), and how ("start" or "end").
    label_x: float
    label_anchor: str
    #: Whether the label is drawn: for a song's first bar in its lane alone.
    labelled: bool
    href: str
    description: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    #: How its label is anchored: the first starts at its tick, one near the end ends there.
    anchor: str


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    overview: list[Bar]
    bars: list[Bar]
    ticks: list[Tick]
    track_x: float
    track_width: float
    overview_y: float
    axis_y: float


def timeline_picture(result: dict[str, Any]) -> Picture:
    """The picture of the timeline: an overview of the whole recording, then a lane per song
    (in the order they first played) with a bar for each time it played, each labelled and
    linking to the song's page; a time axis below."""
    duration = max(result["duration_seconds"], 1.0)
    scale = (WIDTH - LEFT - RIGHT) / duration
    lanes: dict[int, int] = {}
    overview, bars = [], []
    for segment in result["segments"]:
        first_in_lane = segment["song_id"] not in lanes
        lane = lanes.setdefault(segment["song_id"], len(lanes))
        x = LEFT + segment["from_seconds"] * scale
        width = max(2.0, (segment["to_seconds"] - segment["from_seconds"]) * scale)
        label = f"{segment['title']} — {segment['artist']}"
        description = (
            f"{label}, from {hms(segment['from_seconds'])} to {hms(segment['to_seconds'])}"
        )
        at_end = x > WIDTH / 2
        bar = Bar(
            x=x,
            y=OVERVIEW_HEIGHT + lane * LANE_HEIGHT + 22,
            width=width,
            colour=lane % COLOURS,
            label=label,
            label_x=x + width if at_end else x,
            label_anchor="end" if at_end else "start",
            labelled=first_in_lane,
            href=reverse("song", args=[segment["song_id"]]),
            description=description,
        )
        bars.append(bar)
        overview.append(replace(bar, y=OVERVIEW_Y, labelled=False))
    axis_y = OVERVIEW_HEIGHT + len(lanes) * LANE_HEIGHT + 8
    return Picture(
        width=WIDTH,
        height=int(axis_y + AXIS_HEIGHT),
        overview=overview,
        bars=bars,
        ticks=_ticks(duration, scale),
        track_x=LEFT,
        track_width=WIDTH - LEFT - RIGHT,
        overview_y=OVERVIEW_Y,
        axis_y=axis_y,
    )


def _ticks(duration: float, scale: float) -> list[Tick]:
    step = next((s for s in TICK_STEPS if duration / s <= MAX_TICKS), TICK_STEPS[-1])
    ticks = []
    for n in range(int(duration // step) + 1):
        x = LEFT + n * step * scale
        anchor = "start" if n == 0 else "end" if x > WIDTH - END_LABEL_UNITS else "middle"
        ticks.append(Tick(x, clock(n * step) if duration < 3600 else hms(n * step), anchor))
    return ticks
