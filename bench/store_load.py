"""The fingerprint store alone, on a synthetic catalog: bytes per fingerprint and lookup time.

Usage (from the repository root)::

    .venv/bin/python -m bench.store_load [--songs 2000] [--fingerprints 4000] [--queries 100]
    scripts/with-postgres.sh .venv/bin/python -m bench.store_load      # the same on PostgreSQL

It measures the store that the settings name (``KAZOOM_FINGERPRINTS_URL``, else SQLite in a
temporary data directory), which must be empty: the fingerprints database is migrated, then

1. ``--songs`` songs of ``--fingerprints`` random (hash, frame) pairs each are added one by one,
   as ``index_songs`` adds them.
2. ``--queries`` lookups, each of a clip's worth of hashes (``CLIP_HASHES``, half of them a
   stored song's, half anything): median and p95 milliseconds, and the occurrences found.
3. The store is compacted, as a bulk run ends, and the same lookups are timed again.
4. Storage: ``FingerprintStore.size_bytes`` per stored fingerprint, once compacted.

The hash values are skewed as real music's are, so that a clip's hashes find as large a share of
the stored pairs as on the development corpus, where a 5 s clip's 1,377 distinct hashes fetch
~312,000 of 46 M (0.7 %): a value is ``2**23 * U ** SKEW`` for a uniform ``U``, scattered over
the whole range. Progress goes to stderr, the figures to stdout.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence

import numpy as np

from bench.common import progress
from fingerprints.hashes import Hashes
from fingerprints.store import FingerprintStore

#: Distinct hashes of a 5 s clip against the development corpus (see ARCHITECTURE.md).
CLIP_HASHES = 1377
HASH_BITS = 23
#: Anchor frames of a four-minute song at the default hop.
SONG_FRAMES = 20_000
#: The skew's exponent, and an odd multiplier that scatters the common values over the range.
SKEW = 2.8
SCATTER = 2_654_435_761


def main(argv: Sequence[str] | None = None) -> None:
    options = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kazoom-store-load-") as data_dir:
        store = _empty_store(data_dir)
        rng = np.random.default_rng(options.seed)
        songs = [_song_hashes(rng, options.fingerprints) for _ in range(options.songs)]
        started = time.perf_counter()
        for song_id, hashes in enumerate(songs, start=1):
            store.add(song_id, hashes)
        added = time.perf_counter() - started
        progress(f"added {options.songs:,} songs in {added:.1f} s")
        clips = [_clip(rng, songs) for _ in range(options.queries)]
        before = _lookups(store, clips)
        started = time.perf_counter()
        store.compact()
        compacted = time.perf_counter() - started
        after = _lookups(store, clips)
        size = store.size_bytes()
        print(f"store: {store.__class__.__name__}, {store.count():,} fingerprints")
        print(f"add, one song at a time: {added:.1f} s; compact: {compacted:.1f} s")
        print(f"size: {size / 1e6:.1f} MB, {size / store.count():.1f} bytes per fingerprint")
        print(f"lookup of {CLIP_HASHES} hashes before compacting: {before}")
        print(f"lookup of {CLIP_HASHES} hashes once compacted: {after}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.store_load", description=__doc__)
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--fingerprints", type=int, default=4000, help="per song")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    return parser


def _empty_store(data_dir: str) -> FingerprintStore:
    """The migrated, empty store of the settings, SQLite's in ``data_dir``."""
    os.environ.update(
        KAZOOM_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="kazoom_site.settings", DJANGO_DEBUG="0"
    )
    import django

    django.setup()
    from django.core.management import call_command

    from fingerprints.wiring import fingerprint_store

    call_command("migrate", database="fingerprints", verbosity=0)
    store = fingerprint_store()
    if store.count():
        raise SystemExit("the fingerprint store holds songs: measure an empty one")
    return store


def _song_hashes(rng: np.random.Generator, fingerprints: int) -> Hashes:
    skewed = (rng.random(fingerprints) ** SKEW * (1 << HASH_BITS)).astype(np.int64)
    values = skewed * SCATTER % (1 << HASH_BITS)
    return Hashes(values, rng.integers(0, SONG_FRAMES, fingerprints).astype(np.int32))


def _clip(rng: np.random.Generator, songs: list[Hashes]) -> np.ndarray:
    """The hashes of a clip: half of them drawn from a stored song, half from anywhere."""
    song = songs[rng.integers(len(songs))]
    stranger = _song_hashes(rng, CLIP_HASHES - CLIP_HASHES // 2)
    return np.concatenate([rng.choice(song.values, CLIP_HASHES // 2), stranger.values])


def _lookups(store: FingerprintStore, clips: list[np.ndarray]) -> str:
    """Median and p95 milliseconds of looking up each clip, and the occurrences found."""
    timings, found = [], []
    for clip in clips:
        started = time.perf_counter()
        lookup = store.lookup(clip)
        timings.append(1000 * (time.perf_counter() - started))
        found.append(len(lookup))
    return (
        f"median {np.median(timings):.1f} ms, p95 {np.percentile(timings, 95):.1f} ms, "
        f"{np.mean(found):,.0f} occurrences found"
    )


if __name__ == "__main__":
    main()
