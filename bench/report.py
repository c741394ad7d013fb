"""The benchmark's results: one JSON document, printed tables, a Markdown page and a plot.

Accuracy figures read "as answered / at the zero-false-match threshold" throughout; answers
right only by the repeat rule (``bench.repeats``) count as right and are also counted apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.children import MIB
from bench.grid import CONDITIONS_BY_NAME, ClipSpec
from bench.scoring import (
    SamePassage,
    Tally,
    false_matches,
    grouped,
    judge_all,
    latency_ms,
    tally,
    zero_false_match_threshold,
)
from bench.systems.base import Answer, IndexStats, QueryRun


def system_report(
    specs: Sequence[ClipSpec],
    stats: IndexStats,
    run: QueryRun,
    commands: Sequence[str],
    same_passage: SamePassage | None = None,
) -> dict[str, Any]:
    """Every figure of one system that ran, and its answer to every clip."""
    return {
        "status": "ran",
        "commands": list(commands),
        "notes": stats.notes + run.notes,
        "indexing": _indexing(stats),
        "storage": {
            "bytes": stats.storage_bytes,
            "mb_per_hour": stats.storage_bytes / 1e6 / (stats.audio_seconds / 3600),
        },
        "query": {
            "clips": len(run.answers),
            "wall_seconds": run.wall_seconds,
            "amortised_ms": run.wall_seconds * 1000 / max(1, len(run.answers)),
            **latency_ms(run.answers),
            "peak_memory_mib": run.peak_rss_bytes / MIB,
        },
        **scores(specs, run.answers, same_passage),
    }


def scores(
    specs: Sequence[ClipSpec], answers: Sequence[Answer], same_passage: SamePassage | None
) -> dict[str, Any]:
    """The figures of ``system_report`` that judge the answers, and the judged answers."""
    threshold = zero_false_match_threshold(specs, answers)
    judged = judge_all(specs, answers, threshold, same_passage)
    cells = grouped(judged, lambda s: (s.condition, s.duration_seconds))
    return {
        "threshold": threshold,
        "overall": _tally(tally(judged)),
        "false_matches": false_matches(judged),
        "cells": [
            {"condition": c, "duration_seconds": d, **_tally(t)} for (c, d), t in cells.items()
        ],
        "by_condition": {k: _tally(t) for k, t in grouped(judged, _condition).items()},
        "by_duration": {
            f"{k:g}": _tally(t) for k, t in grouped(judged, lambda s: s.duration_seconds).items()
        },
        "answers": [
            {
                **asdict(j.answer),
                "outcome": j.outcome,
                "outcome_at_threshold": j.outcome_at_threshold,
            }
            for j in judged
        ],
    }


def rescore(results: dict[str, Any], same_passage: SamePassage | None) -> None:
    """Judge again, in place, the answers a finished run stored in ``results`` (its JSON)."""
    specs = [
        ClipSpec(**{k: v for k, v in clip.items() if k != "file_name"}) for clip in results["clips"]
    ]
    fields = Answer.__dataclass_fields__
    for system in results["systems"].values():
        if system["status"] == "ran":
            answers = [Answer(**{k: a[k] for k in fields}) for a in system["answers"]]
            system.update(scores(specs, answers, same_passage))


def skipped_report(note: str, status: str = "skipped") -> dict[str, Any]:
    return {"status": status, "note": note}


def _condition(spec: ClipSpec) -> str:
    return spec.condition


def _indexing(stats: IndexStats) -> dict[str, Any]:
    decode = stats.decode_seconds
    return {
        "tracks": stats.tracks,
        "audio_hours": stats.audio_seconds / 3600,
        "wall_seconds": stats.wall_seconds,
        "cpu_seconds": stats.cpu_seconds,
        "realtime_per_core": stats.audio_seconds / stats.wall_seconds,
        "decode_seconds": decode,
        "decode_realtime": stats.audio_seconds / decode if decode else None,
        "peak_memory_mib": stats.peak_rss_bytes / MIB,
    }


def _tally(t: Tally) -> dict[str, Any]:
    return {**asdict(t), "share": t.share, "share_at_threshold": t.share_at_threshold}


# --- Text and Markdown ----------------------------------------------------------------------


def summary_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    headers = [
        "system",
        "right",
        "by repeat",
        "false: held-out/noise/silence",
        "threshold",
        "index ×RT/core",
        "decode ×RT",
        "query ms median/p95 (amortised)",
        "MB/h",
        "peak MiB (index/query)",
    ]
    rows = []
    for name, system in report["systems"].items():
        if system["status"] != "ran":
            rows.append([name, f"{system['status']}: {system['note']}"] + [""] * 8)
            continue
        rows.append(_summary_row(name, system))
    return headers, rows


def _summary_row(name: str, s: dict[str, Any]) -> list[str]:
    falses = s["false_matches"]
    indexing, query = s["indexing"], s["query"]
    decode = indexing["decode_realtime"]
    return [
        name,
        _pair(s["overall"]),
        f"{s['overall'].get('correct_by_repeat', 0)}",
        "/".join(f"{falses[k]['as_answered']}" for k in ("held_out", "noise", "silence"))
        + f" of {sum(f['clips'] for f in falses.values())}",
        "-" if s["threshold"] is None else f"{s['threshold']:g}",
        f"{indexing['realtime_per_core']:.0f}",
        "-" if decode is None else f"{decode:.0f}",
        _latency(query),
        f"{s['storage']['mb_per_hour']:.1f}",
        f"{indexing['peak_memory_mib']:.0f}/{query['peak_memory_mib']:.0f}",
    ]


def _latency(query: dict[str, Any]) -> str:
    amortised = f"({query['amortised_ms']:.0f})"
    if query["median_ms"] is None:
        return amortised
    return f"{query['median_ms']:.0f}/{query['p95_ms']:.0f} {amortised}"


def _pair(t: dict[str, Any]) -> str:
    return f"{t['share']:.0%} / {t['share_at_threshold']:.0%}"


def breakdown_rows(
    report: dict[str, Any], section: str, label: str
) -> tuple[list[str], list[list[str]]]:
    """Accuracy by condition or by duration, one column per system that ran."""
    ran = {n: s for n, s in report["systems"].items() if s["status"] == "ran"}
    keys = list(dict.fromkeys(k for s in ran.values() for k in s[section]))
    headers = [label, *ran]
    rows = [
        [k, *(_pair(s[section][k]) if k in s[section] else "-" for s in ran.values())] for k in keys
    ]
    return headers, rows


def cell_rows(system: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """One system's grid: conditions down, durations across."""
    durations = list(dict.fromkeys(f"{c['duration_seconds']:g} s" for c in system["cells"]))
    by_cell = {(c["condition"], f"{c['duration_seconds']:g} s"): c for c in system["cells"]}
    conditions = list(dict.fromkeys(c["condition"] for c in system["cells"]))
    rows = [
        [cond, *(_pair(by_cell[(cond, d)]) if (cond, d) in by_cell else "-" for d in durations)]
        for cond in conditions
    ]
    return ["condition", *durations], rows


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_text(report: dict[str, Any]) -> str:
    parts = [
        _heading(report),
        text_table(*summary_rows(report)),
        "\nRight song and offset (speed: song only), as answered / at the zero-false-match "
        "threshold, by condition:",
        text_table(*breakdown_rows(report, "by_condition", "condition")),
        "\nBy clip length:",
        text_table(*breakdown_rows(report, "by_duration", "seconds")),
    ]
    return "\n".join(parts)


def render_markdown(report: dict[str, Any]) -> str:
    parts = [
        "# Kazoom against its peers",
        "",
        _heading(report),
        "",
        "Accuracy cells read *as answered / at the zero-false-match threshold*: right song and "
        "offset within 1 s (speed conditions: right song), or a wrong offset where the track "
        "repeats the same audio (a loop; *by repeat* counts these, as answered). False matches "
        "count songs named for held-out tracks, noise and silence, as answered.",
        "",
        markdown_table(*summary_rows(report)),
        "",
        revision_line(report),
        "",
        "## By condition",
        "",
        markdown_table(*breakdown_rows(report, "by_condition", "condition")),
        "",
        "## By clip length",
        "",
        markdown_table(*breakdown_rows(report, "by_duration", "seconds")),
    ]
    for name, system in report["systems"].items():
        parts += ["", f"## {name}", ""]
        if system["status"] != "ran":
            parts.append(f"{system['status']}: {system['note']}")
            continue
        parts += [markdown_table(*cell_rows(system)), ""]
        parts += [f"- `{command}`" for command in system["commands"]]
        parts += [f"- {note}" for note in system["notes"]]
    if report["notes"]:
        parts += ["", "## Notes", "", *(f"- {note}" for note in report["notes"])]
    return "\n".join(parts) + "\n"


def revision_line(report: dict[str, Any]) -> str:
    revision = report["settings"].get("kazoom_revision") or {}
    changed = [path for path in revision.get("uncommitted", []) if not path.startswith("bench/")]
    dirty = f", with uncommitted changes to {', '.join(changed)}" if changed else ""
    return f"Kazoom ran from commit {str(revision.get('commit'))[:10]}{dirty}."


def _heading(report: dict[str, Any]) -> str:
    run = report["settings"]
    split = report["split"]
    counts = report["clip_counts"]
    versions = len(split.get("versions", []))
    distractors = (
        f" with {split['distractors']} distractors ({split['distractor_hours']:.2f} h)"
        if split.get("distractors")
        else ""
    )
    return (
        f"{len(split['indexed'])} tracks indexed ({split['indexed_hours']:.2f} h){distractors}, "
        f"{len(split['held_out'])} held out ({versions} pair(s) of versions of one piece kept "
        f"indexed); {counts['known']} known clips "
        f"({run['per_cell']} per cell), {counts['held_out']} held-out, {counts['noise']} noise, "
        f"{counts['silence']} silence; seed {run['seed']}"
    )


# --- Plot -------------------------------------------------------------------------------------

#: SNR at which "clean" is drawn on the SNR axes.
_CLEAN_AT_DB = 10.0


def draw_plot(report: dict[str, Any], path: Path) -> None:
    """Accuracy against SNR (white noise, babble) and against clip length, a line per system:
    solid at the zero-false-match threshold, dashed as answered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(15, 5), sharey=True)
    ran = {n: s for n, s in report["systems"].items() if s["status"] == "ran"}
    for colour, (name, system) in enumerate(ran.items()):
        style = {"color": f"C{colour}"}
        for axis, family in zip(axes[:2], ("white", "babble")):
            _plot_series(axis, _snr_series(system["by_condition"], family), name, style)
        by_length = [(float(k), v) for k, v in system["by_duration"].items()]
        _plot_series(axes[2], by_length, name, style)
    _label_axes(axes, [float(k) for k in report["settings"]["durations_seconds"]])
    figure.suptitle(
        "Right song and offset — solid: at the zero-false-match threshold; dashed: as answered"
    )
    figure.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=len(ran))
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _snr_series(by_condition: dict[str, Any], family: str) -> list[tuple[float, dict[str, Any]]]:
    series = []
    for name, figures in by_condition.items():
        condition = CONDITIONS_BY_NAME.get(name)
        if condition is None:
            continue
        if condition.family == family and condition.snr_db is not None:
            series.append((condition.snr_db, figures))
        elif condition.family == "clean":
            series.append((_CLEAN_AT_DB, figures))
    return sorted(series, key=lambda point: point[0])


def _plot_series(
    axis: Any, series: list[tuple[float, dict[str, Any]]], name: str, style: dict[str, Any]
) -> None:
    xs = [x for x, _ in series]
    axis.plot(xs, [f["share_at_threshold"] for _, f in series], "-o", label=name, **style)
    axis.plot(xs, [f["share"] for _, f in series], "--", alpha=0.5, **style)


def _label_axes(axes: Sequence[Any], durations: Sequence[float]) -> None:
    panels = (("white", "white noise"), ("babble", "crowd babble (4–6 voices)"))
    for axis, (family, title) in zip(axes[:2], panels):
        axis.set_title(title)
        axis.set_xlabel("SNR (dB), every clip length")
        snrs = sorted(
            c.snr_db
            for c in CONDITIONS_BY_NAME.values()
            if c.family == family and c.snr_db is not None
        )
        axis.set_xticks([*snrs, _CLEAN_AT_DB], [f"{snr:g}" for snr in snrs] + ["clean"])
    axes[2].set_title("clip length, every condition")
    axes[2].set_xlabel("clip length (s)")
    axes[2].set_xticks(durations, [f"{d:g}" for d in durations])
    axes[0].set_ylabel("share of known clips right")
    for axis in axes:
        axis.set_ylim(-0.02, 1.02)
        axis.grid(alpha=0.3)
