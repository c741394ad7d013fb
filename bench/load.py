"""Kazoom under load, served as the README's production-style run serves it.

Usage (from the repository root)::

    .venv/bin/python -m bench.load [--clients 8] [--requests 400] [--max-seconds 120]
                                   [--songs 6] [--added-songs 3] [--music DIR] [--seed 0]
                                   [--keep DIR]

In a fresh data directory it migrates both databases, makes the cache's table and indexes a
small catalog: ``--songs`` synthetic songs of 30 s, or the first ``--songs`` files of
``--music DIR``. It then starts gunicorn with ``kazoom_site/gunicorn.conf.py`` and the README's
production environment (DEBUG off, a secret key of its own, plain HTTP on 127.0.0.1, no rate
limit: every client here is one address), and ``--clients`` concurrent clients post clips until
``--requests`` are answered or ``--max-seconds`` have passed, while ``index_songs`` adds
``--added-songs`` more songs. Each request goes to the API or to the page (with its CSRF
token, as htmx sends it), carrying one of:

- a 6 s clip of a catalog song, which must be named as that song;
- a clip of a song being added, which must be named as that song or not at all;
- a clip of a song never indexed, which must not be named;
- bad input (a text file named .mp3, half a second of audio) or no file, which must get their
  400 and error code.

It prints requests per second, the median, p95 and p99 latencies, the statuses, the expected
400s counted by code, every other non-200 and every wrong answer, and exits with status 1 if
there was any of those or if ``index_songs`` failed. A script, not a test: its figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import REPO_ROOT, empty_or_new_folder, existing_folder, progress, workspace
from fingerprints.audio import decode_audio
from testsupport.badfiles import half_second_wav, text_renamed_mp3
from testsupport.codecs import write_audio
from testsupport.excerpts import cut
from testsupport.malformed import MULTIPART, audio_part, field_part, multipart
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.ports import free_port
from testsupport.production import GUNICORN_CONFIG, production_env

CLIP_SECONDS = 6.0
SONG_SECONDS = 30.0
#: Clips cut from each song, at different places.
CLIPS_PER_SONG = 3
#: Synthetic songs that are never indexed, for the clips that must not be named.
UNKNOWN_SONGS = 3
#: The files of ``--music DIR`` taken as songs.
AUDIO_SUFFIXES = frozenset({".flac", ".mp3", ".ogg", ".opus", ".wav", ".m4a"})
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CARD = re.compile(r'data-outcome="([a-z-]+)"(?: data-song-id="(\d+)")?')
_CARD_CODE = re.compile(r'data-code="([a-z_]+)"')


@dataclass(frozen=True)
class Clip:
    #: "catalog", "added", "unknown", or "bad input" and "no file".
    kind: str
    name: str
    #: The file's bytes; None for a request without a file.
    audio: bytes | None
    #: The song file it was cut from, for "catalog" and "added".
    song_file: str | None = None
    #: The error code its 400 must carry, for "bad input" and "no file".
    code: str | None = None


@dataclass(frozen=True)
class Reply:
    clip: Clip
    #: "api" or "page".
    target: str
    status: int
    seconds: float
    #: The song named, if any.
    song_id: int | None
    #: The API's or the card's error code, if any.
    code: str | None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (1-64)")
    parser.add_argument("--requests", type=int, default=400, help="answers to wait for")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop sending after")
    parser.add_argument("--songs", type=int, default=6, help="songs indexed before the load")
    parser.add_argument("--added-songs", type=int, default=3, help="songs indexed during it")
    parser.add_argument("--music", type=existing_folder, metavar="DIR", help="real songs")
    parser.add_argument("--seed", type=int, default=0)
    keep = "work in DIR (empty or new) and keep it"
    parser.add_argument("--keep", type=empty_or_new_folder, metavar="DIR", help=keep)
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64 or args.requests < 1 or args.songs < 1:
        parser.error("--clients must be 1-64, --requests and --songs at least 1")
    if not 0 < args.max_seconds <= 3600 or args.added_songs < 0:
        parser.error("--max-seconds must be over 0 and at most 3600, --added-songs 0 or more")
    return args


def song_files(args: argparse.Namespace, folder: Path) -> tuple[list[Path], list[Path]]:
    """The catalog's songs and the songs added during the load, as files in ``folder``."""
    wanted = args.songs + args.added_songs
    if args.music is None:
        for seed in range(wanted):
            write_audio(
                folder / f"song_{seed:03d}.flac", synth_song(seed, SONG_SECONDS), SAMPLE_RATE
            )
        files = sorted(folder.glob("*.flac"))
    else:
        files = sorted(p for p in args.music.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
        files = files[:wanted]
        if len(files) < wanted:
            raise SystemExit(f"{args.music} holds {len(files)} files; {wanted} are needed")
    catalog, added = files[: args.songs], files[args.songs :]
    (folder / "added").mkdir()
    linked = []
    for path in added:  # a folder of their own, for index_songs
        link = folder / "added" / path.name
        link.symlink_to(path.resolve())
        linked.append(link)
    return catalog, linked


def make_clips(
    catalog: Sequence[Path], added: Sequence[Path], folder: Path, rng: random.Random
) -> list[Clip]:
    clips = []
    for kind, files in (("catalog", catalog), ("added", added)):
        for path in files:
            samples = decode_audio(path, sample_rate=SAMPLE_RATE, max_seconds=600).samples
            for number in range(CLIPS_PER_SONG):
                name = f"{path.stem}_{number}.wav"
                audio = _excerpt(samples, folder / name, rng)
                clips.append(Clip(kind, name, audio, song_file=str(path.resolve())))
    for seed in range(UNKNOWN_SONGS):
        name = f"unknown_{seed}.wav"
        clips.append(Clip("unknown", name, _excerpt(synth_song(1000 + seed), folder / name, rng)))
    clips.append(
        Clip("bad input", "notes.mp3", text_renamed_mp3(folder).read_bytes(), code="not_audio")
    )
    clips.append(
        Clip("bad input", "short.wav", half_second_wav(folder).read_bytes(), code="too_short")
    )
    clips.append(Clip("no file", "no file", None, code="no_file"))
    return clips


def _excerpt(samples: np.ndarray, path: Path, rng: random.Random) -> bytes:
    """A clip of ``samples`` from a random start, written as WAV at ``path``; its bytes."""
    start = rng.uniform(0, max(0.0, len(samples) / SAMPLE_RATE - CLIP_SECONDS))
    return write_audio(path, cut(samples, start, CLIP_SECONDS), SAMPLE_RATE).read_bytes()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )


def prepare(env: dict[str, str], catalog: Sequence[Path]) -> None:
    """Migrate and make the cache's table, as scripts/setup.sh does, and index ``catalog``."""
    steps = [["migrate"], ["migrate", "--database", "fingerprints"], ["createcachetable"]]
    steps.append(["index_songs", *(str(path) for path in catalog)])
    for step in steps:
        run = manage(env, *step)
        if run.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(step[:3])} failed:\n{run.stderr[-2000:]}")


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    """gunicorn as the README runs it, on a free local port; its port."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)]
            + ["kazoom_site.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False


class LoadClient:
    """One client: its own connection, the page's CSRF cookie and token, its own choices."""

    def __init__(self, port: int, seed: int) -> None:
        self.port = port
        self.rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/")
        page = connection.getresponse()
        found = _CSRF_FIELD.search(page.read().decode())
        if found is None:
            raise SystemExit("no CSRF token in the home page")
        self.token = found.group(1)
        self.cookie = (page.getheader("Set-Cookie") or "").partition(";")[0]
        connection.close()

    def send(self, clip: Clip) -> Reply:
        target = self.rng.choice(["api", "page"])
        parts = [] if clip.audio is None else [audio_part(clip.audio, clip.name)]
        headers = {"Content-Type": MULTIPART}
        if target == "page":
            parts.insert(0, field_part("source", b"upload"))
            headers |= {"HX-Request": "true", "X-CSRFToken": self.token, "Cookie": self.cookie}
        body = multipart(*parts)
        began = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        path = "/api/recognize" if target == "api" else "/recognize"
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        seconds = time.perf_counter() - began
        connection.close()
        song_id, code = _api_answer(text) if target == "api" else _page_answer(text)
        return Reply(clip, target, response.status, seconds, song_id, code)


def _api_answer(text: str) -> tuple[int | None, str | None]:
    try:
        body = json.loads(text)
    except ValueError:
        return None, None
    if "error" in body:
        return None, body["error"].get("code")
    return (body["match"] or {}).get("song_id"), None


def _page_answer(text: str) -> tuple[int | None, str | None]:
    card = _CARD.search(text)
    code = _CARD_CODE.search(text)
    song_id = int(card.group(2)) if card and card.group(2) else None
    return song_id, code.group(1) if code else None


def load(port: int, clips: Sequence[Clip], args: argparse.Namespace) -> tuple[list[Reply], float]:
    """Every reply of ``args.clients`` clients, ``args.requests`` in all unless time ran out,
    and the seconds they took."""
    replies: list[Reply] = []
    sent = 0
    lock = threading.Lock()
    deadline = time.monotonic() + args.max_seconds

    def run(number: int) -> None:
        nonlocal sent
        client = LoadClient(port, args.seed * 1000 + number)
        while time.monotonic() < deadline:
            with lock:
                if sent >= args.requests:
                    return
                sent += 1
            reply = client.send(client.rng.choice(clips))
            with lock:
                replies.append(reply)

    began = time.perf_counter()
    clients = [threading.Thread(target=run, args=(n,)) for n in range(args.clients)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return replies, time.perf_counter() - began


def song_ids(env: dict[str, str]) -> dict[str, int]:
    """Each indexed song's file (resolved) and its id."""
    code = (
        "import json, pathlib; from catalog.models import Song; print(json.dumps({"
        "str(pathlib.Path(p).resolve()): pk for pk, p in Song.objects.values_list('pk', "
        "'source_path')}))"
    )
    run = manage(env, "shell", "--no-imports", "-c", code)
    if run.returncode != 0:
        raise SystemExit(f"could not read the catalog:\n{run.stderr[-2000:]}")
    return {path: int(pk) for path, pk in json.loads(run.stdout).items()}


def verdict(reply: Reply, ids: dict[str, int]) -> str | None:
    """What is wrong with ``reply``, or None when it is the answer its clip should get."""
    clip = reply.clip
    if clip.code is not None:
        if reply.status == 400 and reply.code == clip.code:
            return None
        return f"expected 400 {clip.code}, got {reply.status} {reply.code}"
    if reply.status != 200:
        return f"status {reply.status} {reply.code or ''}".strip()
    expected = ids.get(clip.song_file or "")
    if clip.kind == "catalog" and reply.song_id != expected:
        return f"named song {reply.song_id}, not song {expected}"
    if clip.kind == "added" and reply.song_id not in (None, expected):
        return f"named song {reply.song_id}, not song {expected} (or no match)"
    if clip.kind == "unknown" and reply.song_id is not None:
        return f"named song {reply.song_id} for a song never indexed"
    return None


def report(replies: Sequence[Reply], seconds: float, ids: dict[str, int], indexing: str) -> int:
    """Print the figures and every failure; the exit status."""
    latencies = np.array([r.seconds * 1000 for r in replies])
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    print(f"{len(replies)} requests in {seconds:.1f} s: {len(replies) / seconds:.1f} req/s")
    print(f"latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    print(
        "statuses: "
        + ", ".join(f"{s}: {n}" for s, n in sorted(Counter(r.status for r in replies).items()))
    )
    by_kind = Counter(f"{r.clip.kind} ({r.target})" for r in replies)
    print("sent: " + ", ".join(f"{kind} {n}" for kind, n in sorted(by_kind.items())))
    expected = Counter(r.code for r in replies if r.clip.code and verdict(r, ids) is None)
    print("expected 4xx: " + (", ".join(f"{c} {n}" for c, n in sorted(expected.items())) or "none"))
    named = sum(1 for r in replies if r.clip.kind == "added" and r.song_id is not None)
    added = sum(1 for r in replies if r.clip.kind == "added")
    print(f"clips of songs being added: {named} of {added} named (the rest before indexing)")
    print(f"index_songs during the load: {indexing}")
    failures = [(r, verdict(r, ids)) for r in replies]
    wrong = [(r, why) for r, why in failures if why is not None]
    for reply, why in wrong:
        print(f"WRONG: {reply.target} {reply.clip.kind} {reply.clip.name}: {why}")
    print(f"{len(wrong)} wrong answer(s) or unexpected status(es)")
    return 1 if wrong or not indexing.startswith("ok") else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with workspace(args.keep) as work:
        env = production_env(DJANGO_ALLOWED_HOSTS="127.0.0.1", KAZOOM_DATA_DIR=str(work / "data"))
        inherited = {k: v for k, v in os.environ.items() if k != "KAZOOM_FINGERPRINTS_URL"}
        env = {**inherited, **env, "KAZOOM_RATE_LIMIT": ""}
        (work / "songs").mkdir()
        catalog, added = song_files(args, work / "songs")
        progress(f"indexing {len(catalog)} song(s); cutting clips")
        prepare(env, catalog)
        (work / "clips").mkdir()
        clips = make_clips(catalog, added, work / "clips", rng)
        with gunicorn(env, work / "gunicorn.log") as port:
            progress(f"{args.clients} client(s) on port {port}; adding {len(added)} song(s)")
            adding = _add_songs(env, work / "songs" / "added", work / "index_songs.log")
            replies, seconds = load(port, clips, args)
            indexing = _finished(adding, work / "index_songs.log")
        return report(replies, seconds, song_ids(env), indexing)


def _add_songs(env: dict[str, str], folder: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "index_songs", str(folder)],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _finished(adding: subprocess.Popen[bytes], log: Path) -> str:
    status = adding.wait(timeout=600)
    last = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
    return f"{'ok' if status == 0 else f'exit status {status}'}: {last[0]}"


if __name__ == "__main__":
    sys.exit(main())
