"""``python -m bench.scale``'s command line: its defaults and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.catalog_sizes import parse_sizes
from bench.scale import parse_args


def test_the_defaults_are_the_full_scale_run(tmp_path: Path) -> None:
    args = parse_args([str(tmp_path)])
    assert args.sizes == parse_sizes("1,10,150h")
    assert (args.per_cell, args.seed, args.unknown_per_size) == (20, 2, 1000)
    assert not args.workers_figures
    assert args.also == []
    assert args.distractor_cache.is_absolute()


def test_a_relative_distractor_cache_is_made_absolute(tmp_path: Path) -> None:
    args = parse_args([str(tmp_path), "--distractor-cache", "cache"])
    assert args.distractor_cache == Path.cwd() / "cache"


@pytest.mark.parametrize(
    "options",
    [["--also", "missing.json"], ["--per-cell", "0"], ["--sizes", "0.5"], ["--sizes", ""]],
)
def test_bad_options_are_refused(tmp_path: Path, options: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args([str(tmp_path), *options])
