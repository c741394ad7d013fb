"""What the bench scripts share, without Django: where the repository is and which commit it
is at, the rate clips are written at, their command-line arguments, the work folder and
progress lines."""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Where the scripts write their results unless told otherwise.
RESULTS_DIR = REPO_ROOT / "bench" / "results"
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


def name_list(known: tuple[str, ...]) -> Callable[[str], list[str]]:
    """An argparse type: comma-separated names, each one of ``known``."""

    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in known]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(known)}")
        return names

    return parse


def seconds_list(text: str) -> list[float]:
    """An argparse type: comma-separated seconds."""
    return [float(part) for part in text.split(",")]


def add_run_arguments(parser: argparse.ArgumentParser, distractor_cache: Path) -> None:
    """``--distractor-cache DIR``, ``--out-dir DIR`` and ``--keep DIR``, as the scripts that
    grow a catalog and write their results take them."""
    parser.add_argument(
        "--distractor-cache",
        type=Path,
        default=distractor_cache,
        metavar="DIR",
        help="where distractors are written once and reused",
    )
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    keep = "work in DIR (empty or new) and keep it"
    parser.add_argument("--keep", type=empty_or_new_folder, metavar="DIR", help=keep)


def revision() -> dict[str, Any]:
    """The commit Kazoom ran from, and the files that differed from it: the benchmark runs
    the working tree as it is."""
    git = ["git", "-C", str(REPO_ROOT)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    return {
        "commit": head.stdout.strip() or None,
        "uncommitted": [line[3:] for line in status.stdout.splitlines()],
    }


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


def write_results(out_dir: Path, name: str, results: dict[str, Any], table: str) -> None:
    """``results`` as ``NAME.json`` and the ``table`` as ``NAME.md`` in ``out_dir``, and the
    table on stdout."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1))
    (out_dir / f"{name}.md").write_text(table)
    print(table)
