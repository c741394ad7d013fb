"""What the bench scripts share, without Django: where the repository is, the rate clips are
written at, their folder arguments, the work folder and progress lines."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Every query clip is cut and written at this common recording rate (Hz), except where a
#: condition sets its own (the phone's 16 kHz, the call's 8 kHz): so every system resamples
#: as it would for a real query.
CLIP_SAMPLE_RATE = 44100


def existing_folder(text: str) -> Path:
    """An argparse type: a folder that must exist."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {path}")
    return path


def empty_or_new_folder(text: str) -> Path:
    """An argparse type for ``--keep DIR``: a folder that is empty or does not exist yet."""
    path = Path(text)
    if path.exists() and any(path.iterdir()):
        raise argparse.ArgumentTypeError(f"needs an empty or new folder: {path}")
    return path


@contextlib.contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    """The run's work folder: ``keep`` (created if need be, left behind), else a temporary one."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="kazoom-bench-") as folder:
        yield Path(folder)


def progress(message: str) -> None:
    """One line on stderr: stdout is kept for the script's result."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
