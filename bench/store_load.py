"""The fingerprint store alone at the size of a large library: lookup time and storage as the
catalog grows to a hundred thousand songs.

Usage (from the repository root)::

    .venv/bin/python -m bench.store_load MUSIC_DIR [--songs 3000,10000,30000,100000]
        [--clips 100] [--seed 0] [--cache DIR] [--max-disk-gb 20] [--out-dir bench/results]
    scripts/with-postgres.sh .venv/bin/python -m bench.store_load MUSIC_DIR ...   # on PostgreSQL

1. Splits MUSIC_DIR as ``bench.run`` does and analyses every track: the indexed tracks' hashes
   as ``index_songs`` stores them, every track's peaks.
2. Each size of ``--songs`` is a catalog of that many songs: the indexed tracks, then
   constellation distractors (``bench.constellation_distractors``), the same ones in the same
   order at every size. Their rows are computed once into ``--cache`` (outside the
   repository). A size is loaded into the emptied store in hash order through
   ``FingerprintStore.load``, as ``copy_fingerprints`` fills one: the layout of a compacted
   store, without the hours ``index_songs`` would take.
3. At each size ``--clips`` 5 s excerpts of the indexed tracks and as many of the held-out
   ones, analysed once as queries, are identified: the milliseconds of the first retrieval
   (the lookup: the store's statements and the joining of their rows), of the whole
   identification, the stored occurrences fetched, the right song named, unknown clips named.
4. Storage: the store's bytes per hour of catalog audio. A size whose store would leave less
   than ``--max-disk-gb`` free is not built, and the run says where it stopped.

The store is the one the settings name (``KAZOOM_FINGERPRINTS_URL``, else SQLite in a temporary
data directory); its fingerprint tables are emptied before each size by migrating them to zero
and back. Progress goes to stderr, the figures to stdout and to ``store_load.{json,md}`` in
``--out-dir``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from bench.common import RESULTS_DIR, existing_folder, progress, revision
from bench.constellation_distractors import Distractor, distractor_hashes, plan_distractors
from bench.kazoom_data import empty_fingerprint_store, setup_django
from bench.split import Track
from fingerprints.config import EngineConfig
from fingerprints.hashes import Hashes
from fingerprints.peaks import Peaks
from fingerprints.pipeline import Query
from fingerprints.store import FRAME_BYTES, FingerprintStore, encode_hash_set, pack_frames

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "kazoom-bench" / "store-load"
DEFAULT_SIZES = (3_000, 10_000, 30_000, 100_000)
CLIP_SECONDS = 5.0
#: Distractors per cache file.
CHUNK_SONGS = 1_000


@dataclass(frozen=True)
class Song:
    """A catalog song's fingerprints: (hash, frame) pairs, distinct, by hash then frame."""

    values: np.ndarray
    frames: np.ndarray
    seconds: float


@dataclass(frozen=True)
class Clip:
    query: Query
    #: The song id of the track the clip is from; None for a held-out track.
    song_id: int | None


def main(argv: Sequence[str] | None = None) -> None:
    options = _parser().parse_args(argv)
    # Read before the hours of work: the checkout may move on meanwhile.
    commit = revision()["commit"]
    with tempfile.TemporaryDirectory(prefix="kazoom-store-load-") as data_dir:
        setup_django(Path(data_dir), keep_fingerprints_url=True)
        from fingerprints.wiring import engine_config, fingerprint_store

        config = engine_config()
        store = fingerprint_store()
        split = _split(options.music_dir)
        originals, peaks = _analyse_tracks(split.indexed, split.held_out, config)
        # Known clips come only from tracks that every size holds.
        in_every_size = split.indexed[: options.songs[0]]
        clips = _clips(in_every_size, split.held_out, options.clips, options.seed, config)
        cache = _Cache(options.cache, [*split.indexed, *split.held_out], options.seed, config)
        bounds = cache.bounds(originals)
        results: list[dict[str, Any]] = []
        stopped = None
        for songs in options.songs:
            catalog = _Catalog(songs, originals, peaks, cache, bounds)
            stopped = _short_of_disk(catalog, results, data_dir, options.max_disk_gb)
            if stopped:
                progress(stopped)
                break
            results.append(_measure(catalog, clips, store, config))
            print(_table([results[-1]], header=not results[:-1]), flush=True)
            # After every size, so that a run stopped later keeps what it measured.
            _write_results(options.out_dir, results, stopped, store, options, commit)
        if stopped:  # the results say where the disk ran short
            _write_results(options.out_dir, results, stopped, store, options, commit)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.store_load", description=__doc__)
    parser.add_argument("music_dir", type=existing_folder)
    parser.add_argument("--songs", type=_sizes, default=list(DEFAULT_SIZES))
    parser.add_argument("--clips", type=int, default=100, help="known clips (and unknown)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--max-disk-gb", type=float, default=20.0, help="to leave free")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    return parser


def _sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",")]
    if sizes != sorted(sizes) or sizes[0] < 1:
        raise argparse.ArgumentTypeError("song counts, ascending")
    return sizes


def _split(music_dir: Path) -> Any:
    from bench.workload import split_folder

    split, _ = split_folder(music_dir)
    return split


def _analyse_tracks(
    indexed: Sequence[Track], held_out: Sequence[Track], config: EngineConfig
) -> tuple[list[Song], list[Peaks]]:
    """The indexed tracks as the catalog's first songs, and every track's peaks (indexed
    ones first), from which the distractors are made."""
    from fingerprints.pipeline import analyse_song

    originals, peaks = [], []
    for number, track in enumerate([*indexed, *held_out], start=1):
        progress(f"analysing track {number} of {len(indexed) + len(held_out)}")
        analysis = analyse_song(track.path, config)
        peaks.append(analysis.peaks)
        if number <= len(indexed):
            originals.append(_song(analysis.hashes, analysis.duration_seconds))
    return originals, peaks


def _song(hashes: Hashes, seconds: float) -> Song:
    pairs = hashes.distinct()
    return Song(pairs.values, pairs.frames.astype(np.int64), seconds)


def _clips(
    indexed: Sequence[Track],
    held_out: Sequence[Track],
    count: int,
    seed: int,
    config: EngineConfig,
) -> list[Clip]:
    """``count`` clean 5 s excerpts of indexed tracks (song ids from 1, in their order) and
    ``count`` of held-out ones, analysed as queries."""
    from fingerprints.audio import decode_audio
    from fingerprints.pipeline import analyse_query

    rng = np.random.default_rng(seed)
    clips = []
    for tracks, known in ((indexed, True), (held_out, False)):
        picks = rng.integers(0, len(tracks), count)
        for index in np.unique(picks).tolist():
            samples = decode_audio(tracks[index].path, sample_rate=config.sample_rate).samples
            length = int(CLIP_SECONDS * config.sample_rate)
            for _ in range(int(np.count_nonzero(picks == index))):
                start = int(rng.integers(0, max(1, len(samples) - length)))
                wav = io.BytesIO()
                sf.write(wav, samples[start : start + length], config.sample_rate, format="WAV")
                wav.seek(0)
                clips.append(Clip(analyse_query(wav, config), index + 1 if known else None))
    return clips


class _Cache:
    """The distractors' fingerprints, a file per ``CHUNK_SONGS`` of them, made once.

    Each file holds its songs' lengths, fingerprint counts and hash sets, and their
    (hash, song, frame) rows split by ``PARTS`` ranges of hash values, so that loading a size
    sorts one range at a time.
    """

    PARTS = 32

    def __init__(self, root: Path, tracks: Sequence[Track], seed: int, config: EngineConfig):
        identity = json.dumps(
            [[(t.key, t.duration_seconds) for t in tracks], seed, asdict(config)],
            sort_keys=True,
        )
        self.folder = root / hashlib.sha256(identity.encode()).hexdigest()[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.config = config
        self.tracks = tracks

    def bounds(self, originals: Sequence[Song]) -> np.ndarray:
        """The ``PARTS + 1`` hash values that split the rows into ranges of about equal
        size, from the indexed tracks' hashes."""
        values = np.concatenate([song.values for song in originals])
        inner = np.quantile(values, np.linspace(0, 1, self.PARTS + 1)[1:-1]).astype(np.int64)
        return np.concatenate([[0], inner, [np.iinfo(np.int64).max]])

    def chunk(self, number: int, peaks: Sequence[Peaks], bounds: np.ndarray) -> Any:
        """Chunk ``number``'s arrays (an ``np.load`` of its file), made if missing."""
        path = self.folder / f"chunk-{number:05d}.npz"
        if not path.exists():
            progress(
                f"making distractors {number * CHUNK_SONGS + 1:,} to {(number + 1) * CHUNK_SONGS:,}"
            )
            self._make(number, peaks, bounds, path)
        return np.load(path)

    def _make(self, number: int, peaks: Sequence[Peaks], bounds: np.ndarray, path: Path) -> None:
        plan = plan_distractors(number * CHUNK_SONGS, CHUNK_SONGS, len(peaks), self.seed)
        songs = [self._song(distractor, peaks) for distractor in plan]
        rows = np.concatenate([np.full(len(song.values), i) for i, song in enumerate(songs)])
        values = np.concatenate([song.values for song in songs])
        frames = np.concatenate([song.frames for song in songs])
        part = np.searchsorted(bounds, values, side="right") - 1
        arrays: dict[str, np.ndarray] = {
            "seconds": np.array([song.seconds for song in songs]),
            "counts": np.array([len(song.values) for song in songs]),
        }
        hash_sets = [encode_hash_set(song.values) for song in songs]
        arrays["hash_sets"] = np.frombuffer(b"".join(hash_sets), np.uint8)
        arrays["hash_set_ends"] = np.cumsum([len(blob) for blob in hash_sets])
        for p in range(self.PARTS):
            mine = part == p
            arrays[f"values{p}"] = values[mine]
            arrays[f"songs{p}"] = rows[mine].astype(np.int32)
            arrays[f"frames{p}"] = frames[mine].astype(np.int32)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, allow_pickle=False, **arrays)
        partial.rename(path)

    def _song(self, distractor: Distractor, peaks: Sequence[Peaks]) -> Song:
        seconds = self.tracks[distractor.track].duration_seconds / distractor.speed
        return _song(distractor_hashes(distractor, peaks[distractor.track], self.config), seconds)


@dataclass(frozen=True)
class _Catalog:
    """The first ``songs`` songs: the originals (ids from 1), then distractors."""

    songs: int
    originals: Sequence[Song]
    peaks: Sequence[Peaks]
    cache: _Cache
    bounds: np.ndarray

    @property
    def distractors(self) -> int:
        return max(0, self.songs - len(self.originals))

    def chunks(self) -> Iterator[tuple[int, Any, int]]:
        """Each chunk the catalog draws on, with the song id of its first song and how many
        of its songs the catalog holds."""
        for number in range(-(-self.distractors // CHUNK_SONGS)):
            first = len(self.originals) + number * CHUNK_SONGS + 1
            held = min(CHUNK_SONGS, self.distractors - number * CHUNK_SONGS)
            yield first, self.cache.chunk(number, self.peaks, self.bounds), held

    def song_rows(self) -> Iterator[tuple[int, int, bytes, None]]:
        """The rows of ``fingerprinted_song``."""
        for song_id, song in enumerate(self.originals[: self.songs], start=1):
            yield song_id, len(song.values), encode_hash_set(song.values), None
        for first, chunk, held in self.chunks():
            blobs, ends = chunk["hash_sets"].tobytes(), chunk["hash_set_ends"].tolist()
            for i in range(held):
                start = ends[i - 1] if i else 0
                yield first + i, int(chunk["counts"][i]), blobs[start : ends[i]], None

    def hash_rows(self) -> Iterator[tuple[int, int, bytes]]:
        """The rows of ``song_hash``, in (hash, song) order: a range of hash values at a time."""
        for part in range(_Cache.PARTS):
            values, songs, frames = self._part(part)
            order = np.lexsort((frames, songs, values))
            values, songs, frames = values[order], songs[order], frames[order]
            starts = np.flatnonzero(
                np.concatenate([[True], (np.diff(values) != 0) | (np.diff(songs) != 0)])
            )
            packed = pack_frames(frames)
            ends = np.append(starts[1:], len(values)) * FRAME_BYTES
            for value, song, start, end in zip(
                values[starts].tolist(),
                songs[starts].tolist(),
                (starts * FRAME_BYTES).tolist(),
                ends.tolist(),
            ):
                yield value, song, packed[start:end]

    def _part(self, part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        low, high = self.bounds[part], self.bounds[part + 1]
        values, songs, frames = [], [], []
        for song_id, song in enumerate(self.originals[: self.songs], start=1):
            mine = (song.values >= low) & (song.values < high)
            values.append(song.values[mine])
            songs.append(np.full(int(mine.sum()), song_id, np.int64))
            frames.append(song.frames[mine])
        for first, chunk, held in self.chunks():
            local = chunk[f"songs{part}"]
            kept = local < held
            values.append(chunk[f"values{part}"][kept])
            songs.append(local[kept].astype(np.int64) + first)
            frames.append(chunk[f"frames{part}"][kept].astype(np.int64))
        return np.concatenate(values), np.concatenate(songs), np.concatenate(frames)

    def occurrences_and_seconds(self) -> tuple[int, float]:
        kept = self.originals[: self.songs]
        occurrences = sum(len(song.values) for song in kept)
        seconds = sum(song.seconds for song in kept)
        for _, chunk, held in self.chunks():
            occurrences += int(chunk["counts"][:held].sum())
            seconds += float(chunk["seconds"][:held].sum())
        return occurrences, seconds


def _short_of_disk(
    catalog: _Catalog, results: Sequence[dict[str, Any]], data_dir: str, keep_free_gb: float
) -> str | None:
    """Why the catalog is not built, if its store would leave less than ``keep_free_gb`` GB
    free (at the previous size's bytes per fingerprint, or 16)."""
    occurrences, _ = catalog.occurrences_and_seconds()
    per_occurrence = results[-1]["bytes_per_fingerprint"] if results else 16.0
    needed = occurrences * per_occurrence
    free = shutil.disk_usage(data_dir).free
    if free - needed >= keep_free_gb * 1e9:
        return None
    return (
        f"stopped before {catalog.songs:,} songs: their {needed / 1e9:.0f} GB would leave "
        f"less than {keep_free_gb:g} GB free of {free / 1e9:.0f} GB"
    )


def _measure(
    catalog: _Catalog, clips: Sequence[Clip], store: FingerprintStore, config: EngineConfig
) -> dict[str, Any]:
    occurrences, seconds = catalog.occurrences_and_seconds()
    progress(f"{catalog.songs:,} songs ({seconds / 3600:,.0f} h): loading the store")
    empty_fingerprint_store()
    started = time.perf_counter()
    store.load(catalog.song_rows(), catalog.hash_rows())
    load_seconds = time.perf_counter() - started
    size = store.size_bytes()
    progress(f"loaded {occurrences:,} fingerprints in {load_seconds:.0f} s; timing clips")
    return {
        "songs": catalog.songs,
        "hours": seconds / 3600,
        "fingerprints": occurrences,
        "load_seconds": load_seconds,
        "size_bytes": size,
        "mb_per_hour": size / 1e6 / (seconds / 3600),
        "bytes_per_fingerprint": size / occurrences,
        **_timings(clips, store, config),
    }


@dataclass(frozen=True)
class _Answer:
    clip: Clip
    lookup_ms: float
    identify_ms: float
    #: The (query hash, stored occurrence) pairs the lookup found.
    hits: int
    #: The song named, if any.
    named: int | None


def _timings(
    clips: Sequence[Clip], store: FingerprintStore, config: EngineConfig
) -> dict[str, Any]:
    """Milliseconds of the lookup and of the identification of each clip, median and p95,
    after one untimed pass that brings the store's pages the clips need into memory; what
    was named."""
    from recognition.identification import identify

    for clip in clips:
        identify(clip.query, store, config)
    answers = [_answer(clip, store, config) for clip in clips]
    known = [a for a in answers if a.clip.song_id is not None]
    unknown = [a for a in answers if a.clip.song_id is None]
    return {
        "known_clips": len(known),
        "lookup_ms": _median_p95([a.lookup_ms for a in known]),
        "identify_ms": _median_p95([a.identify_ms for a in known]),
        "unknown_identify_ms": _median_p95([a.identify_ms for a in unknown]),
        "hits_median": float(np.median([a.hits for a in known])),
        "right": sum(a.named == a.clip.song_id for a in known),
        "wrong": sum(a.named not in (None, a.clip.song_id) for a in known),
        "unknown_clips": len(unknown),
        "unknown_named": sum(a.named is not None for a in unknown),
    }


def _answer(clip: Clip, store: FingerprintStore, config: EngineConfig) -> _Answer:
    from recognition.identification import identify
    from recognition.retrieval import retrieve

    started = time.perf_counter()
    hits = retrieve(clip.query.analysis.hashes, store, config, candidates=config.candidate_songs)
    looked_up = time.perf_counter()
    winner = identify(clip.query, store, config).verdict.winner
    done = time.perf_counter()
    return _Answer(
        clip,
        1000 * (looked_up - started),
        1000 * (done - looked_up),
        len(hits),
        None if winner is None else winner.song_id,
    )


def _median_p95(values: Sequence[float]) -> list[float]:
    return [round(float(np.median(values)), 1), round(float(np.percentile(values, 95)), 1)]


def _table(results: Sequence[dict[str, Any]], *, header: bool = True) -> str:
    lines = (
        [
            "| songs | hours | fingerprints | MB/h | load s | 5 s lookup ms median/p95 "
            "| 5 s identify ms median/p95 | unknown 5 s identify ms | hits | right / wrong "
            "| unknown named |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        if header
        else []
    )
    for r in results:
        lines.append(
            f"| {r['songs']:,} | {r['hours']:,.0f} | {r['fingerprints']:,} "
            f"| {r['mb_per_hour']:.2f} | {r['load_seconds']:,.0f} "
            f"| {r['lookup_ms'][0]}/{r['lookup_ms'][1]} "
            f"| {r['identify_ms'][0]}/{r['identify_ms'][1]} "
            f"| {r['unknown_identify_ms'][0]}/{r['unknown_identify_ms'][1]} "
            f"| {r['hits_median']:,.0f} | {r['right']} / {r['wrong']} of {r['known_clips']} "
            f"| {r['unknown_named']} of {r['unknown_clips']} |"
        )
    return "\n".join(lines)


def _write_results(
    out_dir: Path,
    results: Sequence[dict[str, Any]],
    stopped: str | None,
    store: FingerprintStore,
    options: argparse.Namespace,
    commit: str,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "store": store.__class__.__name__,
        "revision": commit,
        "settings": {"songs": options.songs, "clips": options.clips, "seed": options.seed},
        "sizes": list(results),
        "stopped": stopped,
    }
    (out_dir / "store_load.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [
        f"# The fingerprint store alone, to {options.songs[-1]:,} songs ({record['store']})",
        "",
        "Catalogs of the indexed tracks and constellation distractors "
        "(`bench/constellation_distractors.py`), loaded in hash order; clean 5 s clips of "
        f"indexed tracks and as many of held-out ones ({options.clips} each, seed "
        f"{options.seed}). *Lookup* is the first retrieval (the store's statements and the "
        "joining of their rows), *identify* the whole identification, speed search included.",
        "",
        _table(results),
        "",
        f"Stopped: {stopped}" if stopped else "Every size was built.",
        "",
        f"Kazoom ran from commit {commit}.",
    ]
    (out_dir / "store_load.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
