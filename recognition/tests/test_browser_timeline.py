"""A long recording on the timeline page, in a real browser on a desktop and a phone: a mix
of three indexed songs with a gap is uploaded, its job's page shows it waiting, then the
worker's progress, then the timeline, whose bars link to the songs; a recording that is not
audio, or over the limit, gets its card, in both DEBUG modes. Every state passes axe and the
Content-Security-Policy."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from playwright.sync_api import Page, Request, expect

from catalog.models import Song
from kazoom_site.worker import worker_id
from recognition import timeline_jobs
from recognition.timeline import Window
from testsupport.badfiles import text_renamed_mp3
from testsupport.browser import OpenPage, assert_accessible_and_shot
from testsupport.hostile import wav_bytes
from testsupport.library import BOTH_DATABASES, SongLibrary
from testsupport.timeline_jobs import write_mix

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


class PausedWorker:
    """The queue's worker in a thread of this process (the live server's database is this
    process's, in memory), for one task, which holds still after it has written its first
    progress until ``go()``, so that the page can be seen showing it.

    One task only: between tasks the worker takes SQLite's write lock to claim the next, which
    an in-memory database shared between threads answers with an error, not a wait."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._go = threading.Event()
        self._worker = DatabaseWorker(
            queue_names=["default"],
            interval=0.05,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=1,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        self._thread = threading.Thread(target=self._run, daemon=True)
        write_progress = timeline_jobs._ProgressWriter.__call__
        go = self._go

        def held(
            writer: timeline_jobs._ProgressWriter,
            done: float,
            total: float | None,
            windows: Sequence[Window],
        ) -> None:
            write_progress(writer, done, total, windows)
            go.wait(timeout=60)

        monkeypatch.setattr(timeline_jobs._ProgressWriter, "__call__", held)

    def _run(self) -> None:
        try:
            self._worker.run()
        finally:
            connections.close_all()

    def start(self) -> None:
        self._thread.start()

    def go(self) -> None:
        self._go.set()

    def wait(self) -> None:
        """Until the worker has done its task."""
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()

    def stop(self) -> None:
        self._go.set()
        self._worker.running = False
        self._thread.join(timeout=30)


@pytest.fixture
def paused_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[PausedWorker]:
    worker = PausedWorker(monkeypatch)
    yield worker
    worker.stop()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_mix_uploaded_shows_its_progress_then_its_timeline_linking_to_the_songs(
    viewport: str,
    open_page: OpenPage,
    indexed: SongLibrary,
    paused_worker: PausedWorker,
    tmp_path: Path,
) -> None:
    write_mix(indexed, tmp_path / "friday set.wav")
    page = open_page(viewport=viewport)
    page.goto("/")
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What played when?")
    assert_accessible_and_shot(page, "timeline-upload", viewport)

    page.set_input_files("#timeline-file", str(tmp_path / "friday set.wav"))
    page.get_by_role("button", name="Make its timeline").click()

    expect(page.locator("#timeline-job")).to_have_attribute("data-status", "queued")
    expect(page.locator(".job-file")).to_have_text("friday set.wav")
    assert_accessible_and_shot(page, "timeline-queued", viewport)

    paused_worker.start()
    expect(page.locator("#timeline-job")).to_have_attribute("data-status", "running")
    # Running from the start of the job; its first progress is written after its first window.
    expect(page.locator("#job-progress")).not_to_have_attribute("value", "0")
    expect(page.locator(".job-status")).to_contain_text("00:00:10 of 00:01:1")
    assert int(page.locator("#job-progress").get_attribute("value") or 0) == 10
    assert_accessible_and_shot(page, "timeline-running", viewport)

    paused_worker.go()
    paused_worker.wait()
    expect(page.locator("#timeline-job")).to_have_attribute("data-status", "done")
    songs = [Song.objects.get(title=t) for t in ("Song 1", "Song 2", "Song 3")]
    bars = page.locator("svg a.segment")
    expect(bars).to_have_count(3)
    assert [bars.nth(n).get_attribute("href") for n in range(3)] == [
        f"/songs/{song.pk}/" for song in songs
    ]
    expect(page.locator("svg .label")).to_have_text(
        [f"{song.title} — {song.artist.name}" for song in songs]
    )
    expect(page.locator(".timeline-table tr.gap")).to_have_count(1)
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    assert_accessible_and_shot(page, "timeline-done", viewport)
    _assert_no_more_polling(page)

    bars.nth(1).locator("rect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Song 2")


def _assert_no_more_polling(page: Page) -> None:
    """Once the job has ended, the page asks for it no more."""
    asked: list[str] = []

    def heard(request: Request) -> None:
        if "/timeline/" in request.url:
            asked.append(request.url)

    page.on("request", heard)
    page.wait_for_timeout(2500)
    page.remove_listener("request", heard)
    assert asked == []


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_recording_that_is_not_audio_gets_its_card(
    debug: bool,
    viewport: str,
    open_page: OpenPage,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    page = open_page(viewport=viewport)
    page.goto("/timeline/")

    page.set_input_files("#timeline-file", str(text_renamed_mp3(tmp_path)))
    page.get_by_role("button", name="Make its timeline").click()

    card = page.locator('article[data-code="not_audio"]')
    expect(card.locator("h2")).to_have_text("That doesn't look like audio")
    expect(page.get_by_role("button", name="Make its timeline")).to_be_visible()
    assert_accessible_and_shot(
        page, f"timeline-not-audio-{'debug' if debug else 'plain'}", viewport
    )


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
def test_a_recording_over_the_limit_gets_its_card(
    debug: bool,
    open_page: OpenPage,
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.DEBUG = debug
    settings.KAZOOM_TIMELINE_MAX_UPLOAD_BYTES = 1024 * 1024
    (tmp_path / "big.wav").write_bytes(wav_bytes(data=b"\0" * (8 * 1024 * 1024)))
    page = open_page()
    page.goto("/timeline/")

    page.set_input_files("#timeline-file", str(tmp_path / "big.wav"))
    page.get_by_role("button", name="Make its timeline").click()

    card = page.locator('article[data-code="too_big"]')
    expect(card.locator("h2")).to_have_text("That file is too big")
    expect(card).to_contain_text("recordings of up to 1.0\xa0MB are accepted")
    expect(card.locator(".hint")).to_contain_text("six hours of MP3")
    assert_accessible_and_shot(page, f"timeline-too-big-{'debug' if debug else 'plain'}", "desktop")
