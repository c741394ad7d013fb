"""A recording's timeline as the object ``manage.py timeline --json`` prints for it: the one
piece of work the command does per file and the task queue's worker does per job."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fingerprints.audio import AudioInput
from fingerprints.config import EngineConfig
from fingerprints.store import FingerprintStore

from .presenters import timeline_json
from .refusals import refusal_json
from .services import Progress, Timeline, recognize_timeline
from .timeline import Window


@dataclass(frozen=True)
class FileTimeline:
    """``body`` is ``{"path", "duration_seconds", "segments", "elapsed_ms"}``, or
    ``{"path", "error": {"code", "message"}, "elapsed_ms"}`` for a file that could not be
    used; ``timeline`` or ``error`` says which."""

    body: dict[str, Any]
    timeline: Timeline | None = None
    error: Exception | None = None


def timeline_of_file(
    source: AudioInput,
    path: str,
    *,
    store: FingerprintStore,
    config: EngineConfig,
    on_progress: Progress | None = None,
    resumed: Sequence[Window] = (),
) -> FileTimeline:
    """The timeline of ``source``, named ``path`` in its body. A failure of the recording or of
    a database is its answer, not an exception; ``on_progress`` may stop the work by raising
    an exception that is not an ``Exception`` (as KeyboardInterrupt is not); the work goes
    on after the ``resumed`` windows (``recognize_timeline``)."""
    started = time.perf_counter()
    try:
        timeline = recognize_timeline(
            source, store=store, config=config, on_progress=on_progress, resumed=resumed
        )
    except Exception as error:  # the recording's failure is what it reports
        elapsed_ms = (time.perf_counter() - started) * 1000
        return FileTimeline(refusal_json(error, path, elapsed_ms), error=error)
    return FileTimeline({"path": path, **timeline_json(timeline)}, timeline=timeline)
