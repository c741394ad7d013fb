"""The admin pages Kazoom templates, in a real browser on a desktop and a phone: its name in the
header, a song's change page with its player, the delete confirmation that says the
fingerprints go too, the list of duplicates, the timeline jobs deleted with their recordings;
axe-core finds no serious or critical violation;
screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Duplicate, Song
from recognition.models import TimelineJob
from testsupport.browser import OpenPage, assert_accessible_and_shot, signed_in_admin
from testsupport.commands import run_command
from testsupport.duplicates import DuplicateFolders
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_song_s_change_page_plays_it_and_deleting_it_warns_of_its_fingerprints(
    viewport: str, open_page: OpenPage, indexed: SongLibrary
) -> None:
    page = signed_in_admin(open_page, viewport)
    song = Song.objects.get(title="Song 3")

    page.goto(f"/admin/catalog/song/{song.pk}/change/")

    page.wait_for_function("() => document.querySelector('audio').readyState >= 1", timeout=10_000)
    assert abs(page.evaluate("document.querySelector('audio').duration") - 30.0) < 0.5
    expect(page.locator(".song-listen img")).to_be_visible()
    assert_accessible_and_shot(page, "admin-song-change", viewport)

    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.locator(".fingerprints-go")).to_contain_text(
        f"Its {song.fingerprint_count:,} fingerprints go too"
    )
    assert_accessible_and_shot(page, "admin-song-delete", viewport)
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("deleted successfully")
    assert not Song.objects.filter(pk=song.pk).exists()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_duplicates_page_lists_the_last_search_and_links_both_songs(
    viewport: str, open_page: OpenPage, duplicate_folders: DuplicateFolders
) -> None:
    folders = duplicate_folders
    for folder in (folders.originals, folders.copies):
        assert run_command("index_songs", str(folder)).exit_code == 0
    assert run_command("find_duplicates").exit_code == 0
    page = signed_in_admin(open_page, viewport)

    page.goto("/admin/")
    page.get_by_role("link", name="Duplicates").click()

    expect(page.locator("#last-search")).to_contain_text("11 songs searched")
    expect(page.locator("#result_list tbody tr")).to_have_count(len(folders.duplicates))
    assert_accessible_and_shot(page, "admin-duplicates", viewport)
    first = Duplicate.objects.first()
    assert first is not None
    page.locator(f'a[href="/admin/catalog/song/{first.song_a_id}/change/"]').first.click()
    expect(page.locator("#id_title")).to_have_value(first.song_a.title)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_timeline_jobs_are_listed_linked_to_their_pages_and_deleted_with_their_recordings(
    viewport: str, open_page: OpenPage
) -> None:
    job = TimelineJob.objects.create(
        file_name="friday set.mp3", status="running", done_seconds=300.0, total_seconds=1200.0
    )
    job.upload_path().parent.mkdir(parents=True, exist_ok=True)
    job.upload_path().write_bytes(b"the recording")
    page = signed_in_admin(open_page, viewport)

    page.goto("/admin/")
    page.get_by_role("link", name="Timeline jobs").click()

    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("friday set.mp3")
    expect(row).to_contain_text("25%")
    assert_accessible_and_shot(page, "admin-timeline-jobs", viewport)
    row.get_by_role("link", name="Its page").click()
    expect(page).to_have_url(re.compile(f"/timeline/{job.public_id}/$"))
    expect(page.locator("main")).to_contain_text("friday set.mp3")
    page.go_back()
    page.locator('#result_list tbody input[type="checkbox"]').check()
    page.select_option('select[name="action"]', "delete_selected")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted 1 timeline job")
    assert not TimelineJob.objects.exists() and not job.upload_path().exists()
    page.goto(f"/timeline/{job.public_id}/")
    expect(page.locator("h1")).to_have_text("No such timeline")
