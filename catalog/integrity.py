"""Whether the catalog and the fingerprint store agree, and putting right what can be.

``manage.py check_store`` reports ``check``'s findings and, with ``--repair``, runs ``repair``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from fingerprints.sqlite_store import integrity_check
from fingerprints.store import Fingerprinted, FingerprintStore

from .covers import stray_covers
from .indexing import Indexer, Status
from .models import Song


class Fix(Enum):
    """What ``repair`` does about a finding."""

    SETTLE = "finish or roll back the interrupted commits, remove cover files of no song"
    DROP = "drop the fingerprints"
    REINDEX = "fingerprint the song again from its file"
    RECOUNT = "count the songs of every hash again"
    NONE = (
        "restore it from a backup; an empty fingerprint store (the file deleted and migrated "
        "again) is filled again by --repair from the songs' files"
    )


@dataclass(frozen=True)
class Finding:
    message: str
    fix: Fix
    song_id: int | None = None


def check(store: FingerprintStore) -> list[Finding]:
    """Everything wrong with either database or between them: damaged pages, fingerprints of
    no catalog song, indexed songs without fingerprints or with others than the catalog
    recorded, counts that disagree, commits left half done."""
    findings = _damage(store)
    try:
        findings += _disagreements(store)
    except DatabaseError as error:
        findings.append(Finding(f"the fingerprint store cannot be read: {error}", Fix.NONE))
    return findings


def repair(indexer: Indexer) -> list[str]:
    """Settle interrupted commits, then act on each finding left as its ``fix`` says; a line
    per action, or per finding that cannot be put right. A damaged database is left alone,
    and so is everything else then: what it holds cannot be trusted."""
    found = check(indexer.store)
    damage = [finding for finding in found if finding.fix is Fix.NONE]
    if damage:
        return [f"cannot repair: {finding.message}: {finding.fix.value}" for finding in damage]
    unsettled = any(finding.fix is Fix.SETTLE for finding in found)
    lines = [f"settled: {indexer.settle()}"] if unsettled else []
    for finding in check(indexer.store):
        if finding.fix is Fix.DROP and finding.song_id is not None:
            indexer.store.purge(finding.song_id)
            lines.append(f"dropped: {finding.message}")
        elif finding.fix is Fix.REINDEX and finding.song_id is not None:
            lines.append(_reindex(indexer, finding.song_id, finding.message))
    if indexer.store.audit().miscounted_hashes:
        indexer.store.recount_popularity()
        lines.append("recounted: the songs of every hash")
    return lines


def _reindex(indexer: Indexer, song_id: int, message: str) -> str:
    song = Song.objects.filter(pk=song_id).first()
    if song is None:
        return f"cannot repair: {message}: the song is gone"
    report = indexer.index_into(song, Path(song.source_path))
    if report.status is Status.INDEXED:
        return f"re-indexed: song {song.pk} ({song}) from {song.source_path}"
    where = song.source_path or "no file on record"
    return f"cannot repair: {message}: its file cannot be indexed: {report.message} ({where})"


def _damage(store: FingerprintStore) -> list[Finding]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        catalog = integrity_check(cursor)
    try:
        fingerprints = store.integrity_problems() or []
    except DatabaseError as error:
        fingerprints = [str(error)]
    return [
        Finding(f"the {name} is damaged ({len(lines)} problem(s); the first: {lines[0]})", Fix.NONE)
        for name, lines in [("catalog database", catalog), ("fingerprint store", fingerprints)]
        if lines
    ]


def _disagreements(store: FingerprintStore) -> list[Finding]:
    staged = store.staged()
    findings = []
    if staged:
        findings.append(
            Finding(f"{len(staged)} generation(s) staged by unfinished commits", Fix.SETTLE)
        )
    strays = stray_covers()
    if strays:
        findings.append(Finding(f"{len(strays)} cover file(s) of no song", Fix.SETTLE))
    audit = store.audit()
    fingerprinted = store.fingerprinted()
    catalog_ids = set(Song.objects.values_list("pk", flat=True))
    for song_id in sorted(set(fingerprinted) | set(audit.song_fingerprints)):
        held = audit.song_fingerprints.get(song_id, 0)
        recorded = fingerprinted[song_id].fingerprints if song_id in fingerprinted else 0
        if song_id not in catalog_ids:
            message = f"{held:,} fingerprints of song {song_id}, which the catalog does not have"
            findings.append(Finding(message, Fix.DROP, song_id))
        elif held != recorded:
            message = f"song {song_id}: the store holds {held:,} fingerprints, records {recorded:,}"
            findings.append(Finding(message, Fix.REINDEX, song_id))
    flagged = {finding.song_id for finding in findings if finding.song_id is not None}
    for song in Song.objects.filter(indexed_at__isnull=False).exclude(pk__in=flagged):
        problem = _disagreement(song, fingerprinted.get(song.pk))
        if problem:
            findings.append(Finding(f"song {song.pk} ({song}): {problem}", Fix.REINDEX, song.pk))
    if audit.miscounted_hashes:
        message = f"{audit.miscounted_hashes:,} hash(es) counted for the wrong number of songs"
        findings.append(Finding(message, Fix.RECOUNT))
    return findings


def _disagreement(song: Song, live: Fingerprinted | None) -> str | None:
    """How the store's fingerprints of an indexed ``song`` differ from what the catalog
    recorded of them; None if they agree."""
    if live is None:
        return "indexed, but the store has no fingerprints of it"
    if live.fingerprints != song.fingerprint_count:
        counts = f"{song.fingerprint_count:,} fingerprints, the store {live.fingerprints:,}"
        return f"the catalog counts {counts}"
    if live.generation != song.fingerprint_generation:
        return "the store's fingerprints are not the generation the catalog switched to"
    return None
