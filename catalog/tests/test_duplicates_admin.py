"""The admin's Duplicates page: the last ``find_duplicates`` search's pairs, with links to
both songs, their ranges and strength, for staff only, read without touching the store."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Duplicate, DuplicateSearch, Song
from testsupport.commands import run_command
from testsupport.duplicates import DuplicateFolders, song_named
from testsupport.library import BOTH_DATABASES

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

URL = "/admin/catalog/duplicate/"


@pytest.fixture
def searched(duplicate_folders: DuplicateFolders) -> DuplicateSearch:
    for folder in (duplicate_folders.originals, duplicate_folders.copies):
        assert run_command("index_songs", str(folder)).exit_code == 0
    assert run_command("find_duplicates").exit_code == 0
    return DuplicateSearch.objects.get()


def test_the_page_lists_each_pair_with_links_ranges_strength_and_when_it_ran(
    admin_client: Client, searched: DuplicateSearch, duplicate_folders: DuplicateFolders
) -> None:
    page = admin_client.get(URL).content.decode()

    assert f"{searched.finished_at:%Y-%m-%d %H:%M} UTC: 11 songs searched" in page
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    assert len([row for row in rows if "/admin/catalog/song/" in row]) == len(
        duplicate_folders.duplicates
    )
    for shared in duplicate_folders.duplicates:
        a, b = song_named(shared.a), song_named(shared.b)
        pair = Duplicate.objects.get(song_a__in=[a, b], song_b__in=[a, b])
        (row,) = [row for row in rows if f"/admin/catalog/song/{a.pk}/change/" in row]
        for song in (a, b):
            assert f'href="/admin/catalog/song/{song.pk}/change/"' in row
            assert f'href="/songs/{song.pk}/"' in row
        for line in pair.range_texts():
            assert f"<div>{line}</div>" in row
        assert f"{pair.strength:.0%}" in row
    assert "1.03×" in page or "0.97×" in page


def test_before_any_search_the_page_says_how_to_run_one(admin_client: Client) -> None:
    page = admin_client.get(URL).content.decode()

    assert "No search has run yet" in page and "manage.py find_duplicates" in page


def test_the_page_only_reads_the_catalog(admin_client: Client, searched: DuplicateSearch) -> None:
    with CaptureQueriesContext(connections["fingerprints"]) as fingerprints:
        response = admin_client.get(URL)

    assert response.status_code == 200
    assert fingerprints.captured_queries == []


def test_pairs_cannot_be_added_changed_or_deleted(
    admin_client: Client, searched: DuplicateSearch
) -> None:
    pair = Duplicate.objects.first()
    assert pair is not None

    assert admin_client.get(f"{URL}add/").status_code == 403
    assert admin_client.post(f"{URL}{pair.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Duplicate.objects.filter(pk=pair.pk).exists()


def test_only_staff_allowed_to_view_duplicates_see_the_page(client: Client) -> None:
    assert client.get(URL).status_code == 302  # to the login page
    staff = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_duplicate"))
    assert client.get(URL).status_code == 200


def test_a_song_in_a_pair_can_still_be_deleted_and_its_pairs_go_with_it(
    admin_client: Client, searched: DuplicateSearch
) -> None:
    pair = Duplicate.objects.select_related("song_b").first()
    assert pair is not None

    page = admin_client.get(f"/admin/catalog/song/{pair.song_b_id}/delete/").content.decode()
    response = admin_client.post(f"/admin/catalog/song/{pair.song_b_id}/delete/", {"post": "yes"})

    assert "Are you sure" in page and "permission to delete" not in page
    assert response.status_code == 302
    assert not Song.objects.filter(pk=pair.song_b_id).exists()
    assert not Duplicate.objects.filter(pk=pair.pk).exists()
