"""Turning audio files into catalog Songs with fingerprints, wholly or not at all.

Analysis (decode, fingerprint, tags) is pure and may run in worker processes; only the
calling process writes to the databases, one song at a time through the commit protocol of
``Indexer.commit``, whose interrupted steps ``Indexer.settle`` finishes or undoes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, reset_queries, transaction
from django.utils import timezone

from fingerprints import killpoints
from fingerprints.config import EngineConfig
from fingerprints.errors import AudioError
from fingerprints.hashes import Hashes
from fingerprints.pipeline import Analysis, analyse_song, open_song
from fingerprints.store import Fingerprinted, FingerprintStore, Staged
from fingerprints.wiring import engine_config, fingerprint_store

from .ahead import map_ahead
from .covers import discard_cover, keep_cover, read_cover, stray_covers
from .models import Album, Artist, Song
from .storage_errors import describe, is_disk_full
from .tags import SongTags, read_tags
from .worker_pool import worker_pool

#: A run that wrote at least this share of the stored fingerprints compacts the store after
#: it: worth the rewrite after a bulk load, not after adding a few songs to a large library.
COMPACT_AFTER_SHARE = 0.1

#: Files each worker process may have been handed beyond the one being written: enough that
#: no worker waits for the writer, few enough that the analyses waiting for it (an hour of
#: audio is about 4 MB of peaks and hashes) hold a bounded amount of memory.
FILES_AHEAD_PER_WORKER = 2

#: Files with these extensions are picked up when a folder is indexed; a file named
#: explicitly is tried whatever its name.
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".mp4", ".webm"}
    | {".aif", ".aiff", ".wma", ".mka"}
)


#: Given a song just indexed (its id and hashes), the store and the config: a line for each
#: other song of the catalog that holds its audio (``recognition.duplicate_search``).
SharedAudioNotes = Callable[[int, Hashes, FingerprintStore, EngineConfig], list[str]]


@dataclass(frozen=True)
class AnalysedFile:
    path: Path
    sha256: str
    tags: SongTags
    analysis: Analysis
    #: The file's cover art, re-encoded (``catalog.covers``); None when it has none.
    cover: bytes | None = None


class Status(Enum):
    INDEXED = "indexed"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class FileReport:
    """What became of one file: indexed (with its song and what it holds), skipped or failed,
    and why."""

    path: Path
    status: Status
    message: str = ""
    song: Song | None = None
    duration_seconds: float = 0.0
    fingerprints: int = 0
    #: For a file indexed by an Indexer given ``shared_audio``: a line for each other song of
    #: the catalog that holds its audio (the song is indexed all the same).
    shared: tuple[str, ...] = ()


class DiskFull(Exception):
    """The disk is full: ``report`` is the file that could not be stored, and the run stops."""

    def __init__(self, report: FileReport) -> None:
        super().__init__(report.message)
        self.report = report


@dataclass(frozen=True)
class Settled:
    """What ``Indexer.settle`` did with the generations interrupted commits had staged."""

    promoted: int
    discarded: int
    #: Cover files of no song removed.
    stray_covers: int = 0

    def __bool__(self) -> bool:
        return bool(self.promoted or self.discarded or self.stray_covers)

    def __str__(self) -> str:
        said = f"{self.promoted} interrupted commit(s) finished, {self.discarded} rolled back"
        return said + (f", {self.stray_covers} stray cover(s) removed" if self.stray_covers else "")


@dataclass
class Plan:
    """Files to fingerprint (with their content hash) and files already settled."""

    to_index: list[tuple[Path, str]] = dataclasses.field(default_factory=list)
    settled: list[FileReport] = dataclasses.field(default_factory=list)


def find_audio_files(paths: Iterable[Path]) -> Iterator[Path | FileReport]:
    """Files named, and audio files under folders named (recursively, sorted).

    A path that does not exist comes back as a failed FileReport instead.
    """
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS)
            yield from sorted(p for p in found if p.is_file())
        elif path.is_file():
            yield path
        else:
            yield FileReport(path, Status.FAILED, "no such file or folder")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def analyse_file(
    path: Path, sha256: str, config: EngineConfig, name: str | None = None
) -> AnalysedFile | FileReport:
    """Decode and fingerprint ``path`` and read its tags (``name``: the file's name as its
    owner knows it, see ``read_tags``). Touches no database."""
    try:
        analysis = analyse_song(path, config)
    except Exception as error:  # a decoder crash on one odd file must not stop the others
        return _undecodable(path, error)
    return AnalysedFile(path, sha256, read_tags(path, name), analysis, read_cover(path))


def _undecodable(path: Path, error: Exception) -> FileReport:
    """The failed report of ``path``, which the decoders refused with ``error``."""
    if isinstance(error, AudioError):
        return FileReport(path, Status.FAILED, str(error))
    return FileReport(
        path, Status.FAILED, f"could not be decoded ({type(error).__name__}: {error})"
    )


def _analyse_pending(
    pending: tuple[Path, str], *, config: EngineConfig
) -> AnalysedFile | FileReport:
    """``analyse_file`` of a planned (path, content hash) pair."""
    path, sha256 = pending
    return analyse_file(path, sha256, config)


class Indexer:
    """Writes analysed files into the catalog and the fingerprint store."""

    def __init__(
        self,
        store: FingerprintStore,
        config: EngineConfig,
        shared_audio: SharedAudioNotes | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.shared_audio = shared_audio

    @classmethod
    def from_settings(cls, shared_audio: SharedAudioNotes | None = None) -> Indexer:
        """An Indexer on the engine config and fingerprint store that Django settings name;
        with ``shared_audio``, each song committed is checked against the rest."""
        config = engine_config()
        return cls(fingerprint_store(), config, shared_audio)

    def plan(self, paths: Sequence[Path], *, reindex: bool = False) -> Plan:
        """Find the audio files under ``paths`` and settle those that need no fingerprinting."""
        plan = Plan()
        seen: set[str] = set()
        fingerprinted = self.store.fingerprinted()
        for item in find_audio_files(paths):
            if isinstance(item, FileReport):
                plan.settled.append(item)
                continue
            try:
                sha256 = file_sha256(item)
            except OSError as error:
                plan.settled.append(
                    FileReport(item, Status.FAILED, f"cannot be read ({error.strerror})")
                )
                continue
            if sha256 in seen or (not reindex and self._is_indexed(sha256, fingerprinted)):
                plan.settled.append(FileReport(item, Status.SKIPPED, "already indexed"))
                continue
            seen.add(sha256)
            plan.to_index.append((item, sha256))
        return plan

    def run(self, plan: Plan, *, workers: int = 1) -> Iterator[FileReport]:
        """Fingerprint and store the planned files, yielding one FileReport per file; then
        compact the store if what was written since its last compaction (this run's songs,
        and any an earlier run or the admin wrote) is a good share of it.

        A file that cannot be stored (a database or disk error) is reported as failed and the
        run goes on, except when the disk is full: then DiskFull is raised, with that file's
        report, and the files after it are not tried.
        """
        with closing(self._analyse(plan.to_index, workers)) as analyses:
            for analysed in analyses:
                yield self._save_reported(analysed)
        self.store.compact_if_due(COMPACT_AFTER_SHARE)

    def settle(self) -> Settled:
        """Finish or roll back what interrupted commits left in the store: every staged
        generation a catalog song has switched to is promoted as that song's fingerprints,
        every other one is discarded; cover files of no song are removed.

        Decided under the catalog's write lock, which ``commit`` holds from staging (and
        keeping the cover) until the catalog has switched: a generation or cover being
        committed at this moment is never taken for an abandoned one.
        """
        promoted = discarded = 0
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            staged = self.store.staged()
            switched = dict(
                Song.objects.filter(
                    fingerprint_generation__in=[each.generation for each in staged]
                ).values_list("fingerprint_generation", "pk")
            )
            for each in staged:
                if each.generation in switched:
                    self.store.promote(each.generation, switched[each.generation])
                    promoted += 1
                else:
                    self.store.discard(each.generation)
                    discarded += 1
                killpoints.reached("settling")
            strays = stray_covers()
            for path in strays:
                path.unlink(missing_ok=True)
        return Settled(promoted, discarded, len(strays))

    def index_into(self, song: Song, path: Path) -> FileReport:
        """Fingerprint ``path`` for an existing ``song``, replacing its fingerprints.

        The song keeps the metadata entered for it; its file, duration and content change.
        """
        analysed = self.analyse_for(song, path)
        if isinstance(analysed, FileReport):
            return analysed
        return self.commit(song, analysed)

    def analyse_for(
        self, song: Song, path: Path, name: str | None = None
    ) -> AnalysedFile | FileReport:
        """Check (``vet``) and fingerprint ``path`` as the file of ``song`` (saved or not
        yet), writing nothing. ``name``: the file's name as its owner knows it (an upload's).
        """
        vetted = self.vet(song, path)
        if isinstance(vetted, FileReport):
            return vetted
        return analyse_file(path, vetted, self.config, name)

    def vet(self, song: Song, path: Path) -> FileReport | str:
        """What can be told of ``path`` as the file of ``song`` without decoding it: its
        content hash, or a failed report for a missing file, a file whose content another
        song was indexed from, or one whose header shows it cannot be used."""
        if not path.is_file():
            return FileReport(path, Status.FAILED, "no such file")
        sha256 = file_sha256(path)
        other = self._indexed_song(sha256)
        if other is not None and other.pk != song.pk:
            return FileReport(
                path, Status.FAILED, f"this file is already indexed as song {other.pk} ({other})"
            )
        try:
            open_song(path, self.config)
        except Exception as error:  # a decoder crash on an odd header is the file's failure
            return _undecodable(path, error)
        return sha256

    def _analyse(
        self, pending: list[tuple[Path, str]], workers: int
    ) -> Generator[AnalysedFile | FileReport, None, None]:
        analyse = partial(_analyse_pending, config=self.config)
        if workers <= 1 or len(pending) <= 1:
            yield from map(analyse, pending)
            return
        with worker_pool(workers) as pool:
            yield from map_ahead(pool, analyse, pending, ahead=workers * FILES_AHEAD_PER_WORKER)

    def _save_reported(self, analysed: AnalysedFile | FileReport) -> FileReport:
        try:
            return self._save(analysed)
        except Exception as error:  # one file's failure to be stored must not stop the others
            report = FileReport(analysed.path, Status.FAILED, f"not stored ({describe(error)})")
            if is_disk_full(error):
                raise DiskFull(report) from error
            return report

    def _save(self, analysed: AnalysedFile | FileReport) -> FileReport:
        if isinstance(analysed, FileReport):
            return analysed
        song = self._indexed_song(analysed.sha256) or Song(content_sha256=analysed.sha256)
        report = self.commit(song, analysed, tags=analysed.tags)
        if analysed.tags.warning:
            return dataclasses.replace(report, message=analysed.tags.warning)
        return report

    def commit(
        self,
        song: Song,
        analysed: AnalysedFile,
        tags: SongTags | None = None,
        *,
        with_song: Callable[[Song], None] | None = None,
    ) -> FileReport:
        """Save ``song`` (with ``tags`` applied, if given) and its new fingerprints, replacing
        any it had, so that the two databases never disagree once settled; ``with_song``, if
        given, is called with the song saved in the catalog's transaction, to record with it
        what the caller keeps of it (an indexing job's end):

        1. under the catalog's write lock, the store stages the fingerprints under a new
           generation, which lookups do not see;
        2. the song is saved with that generation, its count and its file: the catalog's
           commit is the switch;
        3. once the catalog has committed, the store promotes the generation, replacing the
           song's live fingerprints in one transaction.

        A process killed before the catalog commits leaves a generation no song has switched
        to, one killed after leaves one a song has; ``settle`` discards the first and promotes
        the second. Should saving fail or be interrupted (``with_song`` may raise), the staged
        generation is discarded here.

        The file's cover is kept under a new name in step 1, so a song never names a cover
        that is not on disk; the one it replaces goes once the catalog has committed. A cover
        left by a kill before that commit, or an old one left by a kill after it, is a file
        of no song, which ``settle`` removes.
        """
        # With DEBUG on, Django keeps the SQL of its last 9,000 statements until a request
        # ends, and a song's fingerprints spell out thousands of values: a library's run (or
        # repair) would hold hundreds of MB of them. A commit is a request's worth of work.
        reset_queries()
        is_new = song.pk is None
        staged = None
        old_cover, new_cover = song.cover, ""
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                staged = self.store.stage(analysed.analysis.hashes, song_id=song.pk)
                if analysed.cover is not None:
                    new_cover = keep_cover(analysed.cover)
                    killpoints.reached("cover-kept")
                if tags is not None:
                    _apply_tags(song, tags)
                _record_file(song, analysed, staged, new_cover)
                song.save()
                if with_song is not None:
                    with_song(song)
                killpoints.reached("catalog-written")
                transaction.on_commit(
                    partial(self._promote, staged.generation, song.pk), using=DEFAULT_DB_ALIAS
                )
                if old_cover:
                    transaction.on_commit(partial(discard_cover, old_cover), using=DEFAULT_DB_ALIAS)
        except BaseException:  # an interruption too (KeyboardInterrupt, a job stopped)
            if staged is not None:
                self.store.discard(staged.generation)
            if new_cover:
                discard_cover(new_cover)
            song.cover = old_cover
            if is_new:
                song.pk = None
            raise
        return FileReport(
            analysed.path,
            Status.INDEXED,
            song=song,
            duration_seconds=analysed.analysis.duration_seconds,
            fingerprints=song.fingerprint_count,
            shared=self._shared_audio_of(song, analysed),
        )

    def _shared_audio_of(self, song: Song, analysed: AnalysedFile) -> tuple[str, ...]:
        """What ``shared_audio`` says of a song committed; a check that fails is said too,
        since the song is stored whatever it finds."""
        if self.shared_audio is None:
            return ()
        try:
            return tuple(
                self.shared_audio(song.pk, analysed.analysis.hashes, self.store, self.config)
            )
        except Exception as error:  # the song is stored: the check must not say otherwise
            return (f"not checked for audio other songs hold ({describe(error)})",)

    def _promote(self, generation: int, song_id: int) -> None:
        killpoints.reached("catalog-committed")
        self.store.promote(generation, song_id)

    def _is_indexed(self, sha256: str, fingerprinted: dict[int, Fingerprinted]) -> bool:
        """Whether a song was indexed from content ``sha256`` and the store holds the
        fingerprints the catalog switched to: a song whose fingerprints are missing is not."""
        song = self._indexed_song(sha256)
        if song is None or song.pk not in fingerprinted:
            return False
        return fingerprinted[song.pk].generation == song.fingerprint_generation

    def _indexed_song(self, sha256: str) -> Song | None:
        return Song.objects.filter(content_sha256=sha256).first()


def _record_file(song: Song, analysed: AnalysedFile, staged: Staged, cover: str) -> None:
    """Set what ``song`` records of the file it is indexed from, of its fingerprints and of
    its cover (the kept cover's name, "" for none)."""
    # Absolute, but symlinks kept: the path the person named is the one they know.
    song.source_path = os.path.abspath(analysed.path)
    song.content_sha256 = analysed.sha256
    song.duration_seconds = analysed.analysis.duration_seconds
    song.indexed_at = timezone.now()
    song.fingerprint_count = staged.fingerprints
    song.fingerprint_generation = staged.generation
    song.cover = cover


def _apply_tags(song: Song, tags: SongTags) -> None:
    song.title = tags.title
    song.artist, _ = Artist.objects.get_or_create(name=tags.artist)
    song.album = _album_of(tags)


def _album_of(tags: SongTags) -> Album | None:
    """The album ``tags`` name, by its album artist, made if new; None for no album."""
    if not tags.album:
        return None
    album_artist, _ = Artist.objects.get_or_create(name=tags.album_artist)
    return Album.objects.get_or_create(title=tags.album, artist=album_artist)[0]
