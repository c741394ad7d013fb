"""End to end: index synthetic songs with copies, an excerpt, an edit and a fast copy of some,
and songs that share a short sample; ``manage.py find_duplicates`` finds the first and not
the second, and keeps its results for the admin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.models import Duplicate, DuplicateSearch, Song
from testsupport.commands import run_command
from testsupport.duplicates import DuplicateFolders, Shared
from testsupport.faults import table_gone
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

#: Seconds a range's end may be off.
RANGE_SECONDS = 2.0


@pytest.fixture
def catalog(duplicate_folders: DuplicateFolders) -> DuplicateFolders:
    for folder in (duplicate_folders.originals, duplicate_folders.copies):
        run = run_command("index_songs", str(folder))
        assert run.exit_code == 0, run.stderr
    return duplicate_folders


def names() -> dict[int, str]:
    return {pk: Path(path).name for pk, path in Song.objects.values_list("pk", "source_path")}


def as_found(shared: Shared, pair: dict, name_of: dict[int, str]) -> list[tuple[float, ...]]:
    """The pair's ranges as (a_from, a_to, b_from, b_to) with A the seeded ``shared.a``."""
    ranges = [tuple(r.values()) for r in pair["ranges"]]
    if name_of[pair["song_a"]["id"]] == shared.a:
        return ranges
    return [(r[2], r[3], r[0], r[1]) for r in ranges]


def test_every_duplicate_is_found_with_its_ranges_and_no_song_sharing_a_sample(
    catalog: DuplicateFolders,
) -> None:
    run = run_command("find_duplicates", "--json")

    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    name_of = names()
    assert result["songs_searched"] == Song.objects.count() == 11
    found = {
        frozenset((name_of[p["song_a"]["id"]], name_of[p["song_b"]["id"]])): p
        for p in result["pairs"]
    }
    assert set(found) == {frozenset((s.a, s.b)) for s in catalog.duplicates}
    for shared in catalog.duplicates:
        pair = found[frozenset((shared.a, shared.b))]
        ranges = as_found(shared, pair, name_of)
        assert len(ranges) == len(shared.ranges), (shared, ranges)
        for got, expected in zip(ranges, shared.ranges):
            assert max(abs(g - e) for g, e in zip(got, expected)) <= RANGE_SECONDS, (shared, got)
        speed = pair["speed"] if name_of[pair["song_a"]["id"]] == shared.a else 1 / pair["speed"]
        assert speed == pytest.approx(shared.speed, abs=0.01)
        assert 0 < pair["strength"] <= 1
        assert pair["shared_seconds"] == pytest.approx(sum(r[1] - r[0] for r in ranges), abs=0.05)
        assert set(pair["song_a"]) == {"id", "title", "artist"}
    assert result["elapsed_ms"] > 0


def test_the_readable_output_names_each_pair_and_its_ranges_and_sums_up(
    catalog: DuplicateFolders,
) -> None:
    run = run_command("find_duplicates")

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    heads = [line for line in lines if line.startswith("A: song ")]
    ranges = [line for line in lines if line.startswith("  ")]
    assert len(heads) == len(catalog.duplicates)
    assert len(ranges) == sum(len(s.ranges) for s in catalog.duplicates)
    assert any("B plays A 1.03× as fast" in head or "0.97×" in head for head in heads)
    assert all(" of A is " in line and line.endswith(" of B") for line in ranges)
    assert lines[-1].startswith("4 pair(s) of songs share audio, among 11 song(s) searched in ")


def test_the_last_search_is_kept_in_place_of_the_one_before(catalog: DuplicateFolders) -> None:
    run_command("find_duplicates")
    first = DuplicateSearch.objects.get()

    run_command("find_duplicates", "--json")

    search = DuplicateSearch.objects.get()
    assert search.pk != first.pk
    assert search.songs_searched == 11
    assert Duplicate.objects.filter(search=search).count() == len(catalog.duplicates)
    assert Duplicate.objects.count() == len(catalog.duplicates)


def test_a_catalog_without_duplicates_says_so(duplicate_folders: DuplicateFolders) -> None:
    assert run_command("index_songs", str(duplicate_folders.originals)).exit_code == 0

    run = run_command("find_duplicates")

    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [run.stdout.splitlines()[-1]] and run.stdout.startswith(
        "0 pair(s) of songs share audio, among 7 song(s) searched in "
    )


def test_an_empty_catalog_has_no_pairs(db: None) -> None:
    run = run_command("find_duplicates", "--json")

    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["pairs"] == []
    assert json.loads(run.stdout)["songs_searched"] == 0


def test_a_store_that_cannot_be_read_is_said_and_the_last_search_is_kept(
    catalog: DuplicateFolders,
) -> None:
    run_command("find_duplicates")
    kept = DuplicateSearch.objects.get()

    with table_gone("fingerprints", "hash_popularity"):
        run = run_command("find_duplicates")

    assert run.exit_code == 1
    assert "CommandError: a database could not be used (" in run.stderr
    assert "Traceback" not in run.stderr
    assert DuplicateSearch.objects.get() == kept
    assert Duplicate.objects.filter(search=kept).count() == len(catalog.duplicates)
