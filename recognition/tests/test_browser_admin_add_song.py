"""The admin's add-song page in a real browser, on a desktop and a phone: a file chosen with
title, artist and album left blank is queued, the page it ends on says so, and once the
worker's task has run (here, in the test's process) the indexing jobs page shows the job done
with a link to the song, saved with them from its tags; after a form error (in both DEBUG
modes) the page says the chosen file is kept, and saving again, without choosing it, queues
the song from it; axe-core finds no serious or critical violation, no page breaks the
Content-Security-Policy; screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Album, Artist, Song
from testsupport.browser import OpenPage, assert_accessible_and_shot, signed_in_admin
from testsupport.codecs import write_audio
from testsupport.indexing_jobs import run_queued_jobs
from testsupport.library import BOTH_DATABASES
from testsupport.music import SAMPLE_RATE, synth_song
from testsupport.tagging import tag

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

VIEWPORTS = ["desktop", "phone"]


def tagged_file(folder: Path) -> Path:
    path = write_audio(folder / "boss_theme.flac", synth_song(61, 8.0), SAMPLE_RATE)
    return tag(
        path, title="Boss Theme", artist="Ann Composer", album="Game OST", albumartist="Orchestra"
    )


def pick_album(page: Page, label: str) -> None:
    """Choose ``label`` in the admin's album picker (select2, searching as you type)."""
    page.locator("#select2-id_album-container").click()
    page.locator(".select2-search__field").fill(label.split(" (")[0])
    page.locator(".select2-results__option", has_text=label).click()


def assert_boss_theme_queued_then_saved(page: Page, viewport: str, shot: str = "") -> None:
    """The page the form ended on says the file is queued; once the worker's task has run,
    the jobs page, reloaded, links the song made from it, as its tags say."""
    expect(page.locator(".messagelist")).to_contain_text(
        "The new song from boss_theme.flac is queued for indexing"
    )
    expect(page.locator("#indexing-jobs-help")).to_contain_text("1 job queued or running")
    assert not Song.objects.exists()
    if shot:
        assert_accessible_and_shot(page, f"{shot}-queued", viewport)

    run_queued_jobs()
    page.get_by_role("link", name="reload it").click()

    expect(page.locator("#indexing-jobs-help")).to_contain_text("No job is queued or running")
    expect(page.locator("#result_list .field-status")).to_have_text("Done")
    if shot:
        assert_accessible_and_shot(page, f"{shot}-done", viewport)
    page.get_by_role("link", name="Boss Theme — Ann Composer").click()
    expect(page.locator("#id_title")).to_have_value("Boss Theme")
    song = Song.objects.get()
    assert song.album is not None and song.fingerprint_count > 0
    assert (song.album.title, song.album.artist.name) == ("Game OST", "Orchestra")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_blank_fields_are_filled_from_the_file_s_tags(
    viewport: str, open_page: OpenPage, tmp_path: Path
) -> None:
    page = signed_in_admin(open_page, viewport)
    page.goto("/admin/catalog/song/add/")
    expect(page.locator("#id_audio_file_helptext")).to_contain_text("left blank come from its tags")
    assert_accessible_and_shot(page, "admin-add-song", viewport)

    page.set_input_files("#id_audio_file", str(tagged_file(tmp_path)))
    page.get_by_role("button", name="Save", exact=True).click()

    assert_boss_theme_queued_then_saved(page, viewport, "admin-indexing-jobs")


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_after_a_form_error_the_chosen_file_is_kept(
    debug: bool,
    viewport: str,
    open_page: OpenPage,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    doomed = Album.objects.create(title="Doomed", artist=Artist.objects.create(name="Someone"))
    page = signed_in_admin(open_page, viewport)
    page.goto("/admin/catalog/song/add/")
    page.set_input_files("#id_audio_file", str(tagged_file(tmp_path)))
    pick_album(page, "Doomed (Someone)")
    doomed.delete()  # another admin deletes the album meanwhile

    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-album .errorlist")).to_contain_text("Select a valid choice")
    expect(page.locator("#id_audio_file_helptext")).to_contain_text(
        "Kept from your last try: boss_theme.flac"
    )
    assert page.locator("#id_audio_file").evaluate("input => input.files.length") == 0
    assert not Song.objects.exists()
    assert_accessible_and_shot(
        page, f"admin-add-song-kept-{'debug-on' if debug else 'debug-off'}", viewport
    )

    page.get_by_role("button", name="Save", exact=True).click()

    assert_boss_theme_queued_then_saved(page, viewport)
