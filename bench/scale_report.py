"""The scale benchmark's results: each size's figures, the printed tables, a Markdown page and
a plot against catalog hours.

Accuracy here is as answered, which is what a user of Kazoom gets: the right song, at an
offset within 1 s of the clip's (speed conditions: the song only), or where the track repeats
that audio (``bench.scoring``). The JSON holds the same figures at the zero-false-match
threshold too, and every answer.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import report
from bench.catalog_sizes import CatalogSize
from bench.children import MIB, ChildRun
from bench.grid import ClipSpec
from bench.kazoom_data import IndexedSong, Storage
from bench.scoring import SamePassage, latency_ms
from bench.systems.base import Answer, QueryRun

#: The clip length whose latency heads the tables and the plot: a typical query.
HEADLINE_SECONDS = 5.0
#: Conditions drawn beside the overall accuracy: the weakest at the top size.
WEAKEST_DRAWN = 2


def size_report(
    size: CatalogSize,
    songs: Sequence[IndexedSong],
    added: Sequence[IndexedSong],
    index_run: ChildRun,
    storage: Storage | None,
    query: QueryRun,
    specs: Sequence[ClipSpec],
    same_passage: SamePassage | None,
    distractor_keys: Collection[str],
) -> dict[str, Any]:
    """Every figure of one catalog size: ``songs`` is the whole catalog, ``added`` the songs
    ``index_run`` indexed into it, ``query`` the answers to ``specs``."""
    added_seconds = sum(song.duration_seconds for song in added)
    distractors = [song for song in songs if str(song.path) in distractor_keys]
    hours = sum(song.duration_seconds for song in songs) / 3600
    return {
        "multiple": size.multiple,
        "catalog": {
            "songs": len(songs),
            "hours": hours,
            "distractors": len(distractors),
            "distractor_hours": sum(song.duration_seconds for song in distractors) / 3600,
        },
        "indexing": {
            "files": len(added),
            "audio_hours": added_seconds / 3600,
            "wall_seconds": index_run.wall_seconds,
            "cpu_seconds": index_run.cpu_seconds,
            "realtime": added_seconds / index_run.wall_seconds,
            "peak_memory_mib": index_run.peak_rss_bytes / MIB,
        },
        "storage": None if storage is None else asdict(storage),
        "query": {
            "clips": len(query.answers),
            "wall_seconds": query.wall_seconds,
            "peak_memory_mib": query.peak_rss_bytes / MIB,
            "latency": latency_figures(specs, query.answers),
        },
        "distractors_named": _distractors_named(specs, query.answers, distractor_keys),
        **report.scores(specs, query.answers, same_passage),
    }


def latency_figures(specs: Sequence[ClipSpec], answers: Sequence[Answer]) -> dict[str, Any]:
    """Milliseconds per answer (``elapsed_ms``, decoding included): the mean, and the median
    and p95 of every clip, of each clip length, of the known clips of the headline length in
    each condition, of the unknown clips and of each length of them."""
    pairs = list(zip(specs, answers))
    unknown = [(spec, answer) for spec, answer in pairs if spec.is_negative]
    headline = [
        (spec, answer)
        for spec, answer in pairs
        if not spec.is_negative and spec.duration_seconds == HEADLINE_SECONDS
    ]
    times = [answer.elapsed_ms for answer in answers if answer.elapsed_ms is not None]
    return {
        "mean_ms": sum(times) / len(times) if times else None,
        "every_clip": latency_ms(answers),
        "by_duration": _by_duration(pairs),
        "headline_by_condition": _by_condition(headline),
        "unknown": latency_ms([answer for _, answer in unknown]),
        "unknown_by_duration": _by_duration(unknown),
    }


def _by_duration(pairs: Sequence[tuple[ClipSpec, Answer]]) -> dict[str, Any]:
    durations = dict.fromkeys(spec.duration_seconds for spec, _ in pairs)
    return {
        f"{d:g}": latency_ms([answer for spec, answer in pairs if spec.duration_seconds == d])
        for d in durations
    }


def _by_condition(pairs: Sequence[tuple[ClipSpec, Answer]]) -> dict[str, Any]:
    conditions = dict.fromkeys(spec.condition for spec, _ in pairs)
    return {
        condition: latency_ms([answer for spec, answer in pairs if spec.condition == condition])
        for condition in conditions
    }


def _distractors_named(
    specs: Sequence[ClipSpec], answers: Sequence[Answer], distractor_keys: Collection[str]
) -> dict[str, int]:
    """Clips answered with a distractor song, known ones and unknown ones: no clip comes from
    one, so each is a wrong song or a false match that only a larger catalog could cause."""
    named = [spec for spec, answer in zip(specs, answers) if answer.song in distractor_keys]
    return {
        "known": sum(not spec.is_negative for spec in named),
        "unknown": sum(spec.is_negative for spec in named),
    }


# --- Text and Markdown ----------------------------------------------------------------------


def size_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """One row per catalog size."""
    headline = f"{HEADLINE_SECONDS:g}"
    headers = [
        "size",
        "catalog h",
        "songs",
        "right",
        "false: held-out/noise/silence",
        "distractor named: known/unknown",
        f"clean {headline} s ms median/p95",
        f"{headline} s ms median/p95",
        f"unknown ms median: {headline} s/all",
        "mean ms",
        "peak MiB recognize/index",
        "MB/h",
        "index ×RT (h added)",
    ]
    rows = []
    for size in results["sizes"]:
        query, indexing, latency = size["query"], size["indexing"], size["query"]["latency"]
        falses, named = size["false_matches"], size["distractors_named"]
        storage = size["storage"]
        rows.append(
            [
                f"{size['multiple']:g}×",
                f"{size['catalog']['hours']:.3g}",
                f"{size['catalog']['songs']}",
                f"{size['overall']['share']:.1%}",
                "/".join(f"{falses[k]['as_answered']}" for k in ("held_out", "noise", "silence"))
                + f" of {sum(f['clips'] for f in falses.values())}",
                f"{named['known']}/{named['unknown']}",
                _median_p95(latency["headline_by_condition"].get("clean")),
                _median_p95(latency["by_duration"].get(headline)),
                f"{_ms(latency['unknown_by_duration'].get(headline))}/{_ms(latency['unknown'])}",
                _number(latency["mean_ms"]),
                f"{query['peak_memory_mib']:.0f}/{indexing['peak_memory_mib']:.0f}",
                "-" if storage is None else f"{storage['mb_per_hour']:.2f}",
                f"{indexing['realtime']:.0f} ({indexing['audio_hours']:.3g})",
            ]
        )
    return headers, rows


def accuracy_rows(
    results: dict[str, Any], section: str, label: str
) -> tuple[list[str], list[list[str]]]:
    """Right answers by condition or by clip length (rows) and size (columns), as answered."""
    sizes = results["sizes"]
    keys = list(dict.fromkeys(k for size in sizes for k in size[section]))
    rows = [
        [key, *(f"{s[section][key]['share']:.1%}" if key in s[section] else "-" for s in sizes)]
        for key in keys
    ]
    return [label, *(_size_label(size) for size in sizes)], rows


def latency_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Milliseconds median/p95 by clip length (rows) and size (columns), every clip."""
    sizes = results["sizes"]
    lengths = list(dict.fromkeys(k for s in sizes for k in s["query"]["latency"]["by_duration"]))
    rows = [
        [length, *(_median_p95(s["query"]["latency"]["by_duration"].get(length)) for s in sizes)]
        for length in lengths
    ]
    return ["seconds", *(_size_label(size) for size in sizes)], rows


def condition_latency_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Milliseconds median/p95 of the known clips of the headline length, by condition (rows)
    and size (columns)."""
    sizes = results["sizes"]
    by_size = [s["query"]["latency"]["headline_by_condition"] for s in sizes]
    conditions = list(dict.fromkeys(k for figures in by_size for k in figures))
    rows = [
        [condition, *(_median_p95(figures.get(condition)) for figures in by_size)]
        for condition in conditions
    ]
    return ["condition", *(_size_label(size) for size in sizes)], rows


def workers_lines(results: dict[str, Any]) -> list[str]:
    """The workers figures in words, or nothing when they were not measured."""
    workers = results.get("workers")
    if not workers:
        return []
    one, two = workers["runs"]
    return [
        f"index_songs on {workers['files']} files ({workers['audio_hours']:.2f} h), each into a "
        f"fresh data directory: --workers 1 (one core) {one['realtime']:.0f}× real time, "
        f"--workers 2 {two['realtime']:.0f}×; the decoder alone "
        f"{workers['decode_realtime']:.0f}×.",
        f"workers 2 / workers 1 = {workers['workers2_over_workers1']:.2f}; "
        f"workers 1 / decoder = {workers['workers1_over_decoder']:.2f}.",
    ]


def render_text(results: dict[str, Any]) -> str:
    parts = [
        heading(results),
        report.text_table(*size_rows(results)),
        "\nRight song and offset (speed: song only), as answered, by condition:",
        report.text_table(*accuracy_rows(results, "by_condition", "condition")),
        "\nBy clip length:",
        report.text_table(*accuracy_rows(results, "by_duration", "seconds")),
        "\nLatency by clip length, ms median/p95:",
        report.text_table(*latency_rows(results)),
        f"\nLatency of known {HEADLINE_SECONDS:g} s clips by condition, ms median/p95:",
        report.text_table(*condition_latency_rows(results)),
    ]
    lines = workers_lines(results)
    if lines:
        parts += ["", *lines]
    return "\n".join(parts)


def render_markdown(results: dict[str, Any]) -> str:
    parts = [
        "# Kazoom as its catalog grows",
        "",
        heading(results),
        "",
        "Accuracy reads *as answered*: right song and offset within 1 s (speed conditions: "
        "right song), or a wrong offset where the track repeats the same audio. False matches "
        "count songs named for held-out tracks, noise and silence; *distractor named* counts "
        "clips answered with a distractor song, which no clip comes from. Latency is what "
        "`recognize --json` reports per clip (decoding included); peak memory is the "
        "`recognize` child's and the size's `index_songs` child's; indexing speed is that of "
        "the songs the size added.",
        "",
        report.markdown_table(*size_rows(results)),
        "",
        report.revision_line(results),
        "",
        "## By condition",
        "",
        report.markdown_table(*accuracy_rows(results, "by_condition", "condition")),
        "",
        "## By clip length",
        "",
        report.markdown_table(*accuracy_rows(results, "by_duration", "seconds")),
        "",
        "## Latency by clip length (ms, median/p95)",
        "",
        report.markdown_table(*latency_rows(results)),
        "",
        f"## Latency of known {HEADLINE_SECONDS:g} s clips by condition (ms, median/p95)",
        "",
        report.markdown_table(*condition_latency_rows(results)),
    ]
    lines = workers_lines(results)
    if lines:
        parts += ["", "## Indexing workers", "", *lines]
        parts += ["", *(f"- `{command}`" for command in results["workers"]["commands"])]
    commands = dict.fromkeys(results["commands"])  # every size runs the same recognize
    parts += ["", "## Commands", "", *(f"- `{command}`" for command in commands)]
    if results["notes"]:
        parts += ["", "## Notes", "", *(f"- {note}" for note in results["notes"])]
    return "\n".join(parts) + "\n"


def heading(results: dict[str, Any]) -> str:
    run, split, counts = results["settings"], results["split"], results["clip_counts"]
    unknown = sum(counts.get(kind, 0) for kind in ("held_out", "noise", "silence"))
    seeds = run["unknown_extra_seeds"]
    extra = f", with seeds {', '.join(map(str, seeds))}" if seeds else ""
    return (
        f"{len(split['indexed'])} tracks indexed ({split['indexed_hours']:.2f} h), "
        f"{len(split['held_out'])} held out; {counts.get('known', 0)} known clips "
        f"({run['per_cell']} per cell, seed {run['seed']}) and {unknown} unknown "
        f"({counts.get('held_out', 0)} held-out, {counts.get('noise', 0)} noise, "
        f"{counts.get('silence', 0)} silence{extra}) at every size; fingerprints in "
        f"{run['fingerprint_backend']}"
    )


def _size_label(size: dict[str, Any]) -> str:
    return f"{size['multiple']:g}× ({size['catalog']['hours']:.3g} h)"


def _median_p95(figures: dict[str, Any] | None) -> str:
    if not figures or figures["median_ms"] is None:
        return "-"
    return f"{figures['median_ms']:.0f}/{figures['p95_ms']:.0f}"


def _ms(figures: dict[str, Any] | None) -> str:
    return _number(figures["median_ms"] if figures else None)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


# --- Plot -------------------------------------------------------------------------------------

#: (what is drawn, line style) of each series, in both panels.
_STYLES = ("-o", "--s", ":^", "-.d")


def draw_plot(runs: Sequence[dict[str, Any]], path: Path) -> None:
    """Latency (``latency_series``) and accuracy (overall and the weakest conditions of the
    first run's top size) against catalog hours: a colour per run, labelled by its fingerprint
    backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(14, 5.5))
    weakest = weakest_conditions(runs[0], WEAKEST_DRAWN)
    for colour, (label, run) in enumerate(zip(run_labels(runs), runs)):
        hours = [size["catalog"]["hours"] for size in run["sizes"]]
        style = {"color": f"C{colour}"}
        for (name, values), line in zip(latency_series(run), _STYLES):
            latency_axis.plot(hours, values, line, label=f"{label}: {name}", **style)
        for (name, values), line in zip(_accuracy_series(run, weakest), _STYLES):
            accuracy_axis.plot(hours, values, line, label=f"{label}: {name}", **style)
    latency_axis.set_title("query latency (recognize --json elapsed_ms)")
    latency_axis.set_ylabel("ms")
    latency_axis.set_ylim(bottom=0)
    accuracy_axis.set_title("right song and offset, as answered")
    accuracy_axis.set_ylabel("share of known clips right")
    accuracy_axis.set_ylim(-0.02, 1.02)
    ticks = sorted({size["catalog"]["hours"] for run in runs for size in run["sizes"]})
    for axis in (latency_axis, accuracy_axis):
        axis.set_xscale("log")
        axis.minorticks_off()
        axis.set_xticks(ticks, [f"{hours:.3g}" for hours in ticks])
        axis.set_xlabel("catalog hours")
        axis.grid(alpha=0.3)
        axis.legend(fontsize="small")
    figure.suptitle("Kazoom as its catalog grows")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def run_labels(runs: Sequence[dict[str, Any]]) -> list[str]:
    """Each run's fingerprint backend, numbered where two runs share one."""
    backends = [run["settings"]["fingerprint_backend"] for run in runs]
    labels = []
    for n, backend in enumerate(backends):
        shared = backends.count(backend) > 1
        labels.append(f"{backend} #{backends[: n + 1].count(backend)}" if shared else backend)
    return labels


def weakest_conditions(run: dict[str, Any], count: int) -> list[str]:
    """The ``count`` conditions with the fewest right answers at the run's top size (the
    grid's order breaks ties)."""
    by_condition = run["sizes"][-1]["by_condition"]
    return sorted(by_condition, key=lambda name: by_condition[name]["share"])[:count]


def latency_series(run: dict[str, Any]) -> list[tuple[str, list[float]]]:
    """The latency panel's lines of ``run``: (name, a figure per size)."""
    headline = f"{HEADLINE_SECONDS:g}"
    latencies = [size["query"]["latency"] for size in run["sizes"]]
    clean = [la.get("headline_by_condition", {}).get("clean") for la in latencies]
    return [
        (f"clean {headline} s, median", [_value(figures) for figures in clean]),
        (f"median {headline} s", [_value(la["by_duration"].get(headline)) for la in latencies]),
        ("mean, every clip", [_or_nan(la["mean_ms"]) for la in latencies]),
        (
            f"unknown {headline} s, median",
            [_value(la["unknown_by_duration"].get(headline)) for la in latencies],
        ),
    ]


def _accuracy_series(
    run: dict[str, Any], conditions: Sequence[str]
) -> list[tuple[str, list[float]]]:
    sizes = run["sizes"]
    series = [("overall", [size["overall"]["share"] for size in sizes])]
    for name in conditions:
        shares = [_or_nan(size["by_condition"].get(name, {}).get("share")) for size in sizes]
        series.append((name, shares))
    return series


def _value(figures: dict[str, Any] | None) -> float:
    return _or_nan(figures["median_ms"] if figures else None)


def _or_nan(value: float | None) -> float:
    """Matplotlib leaves a gap at NaN: a figure a run did not measure."""
    return math.nan if value is None else value
