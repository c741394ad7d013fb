"""The browsers the browser tests drive: Debian's Chromium, headless, through Playwright.

Their microphone is Chromium's fake capture device playing a WAV of an indexed song, so the
Listen flow runs end to end. Pages open on a desktop or a phone viewport.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from testsupport.browser import DESKTOP, MIC_SONG, PHONE, Browsers, OpenPage, PolicyViolations
from testsupport.excerpts import write_clip
from testsupport.library import SongLibrary

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _launch(playwright: Playwright, *extra: str) -> Browser:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install chromium (.ci/run does)"
    return playwright.chromium.launch(executable_path=chromium, args=[*CHROMIUM_FLAGS, *extra])


@pytest.fixture(scope="session")
def browsers(
    song_library: SongLibrary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browsers]:
    folder = tmp_path_factory.mktemp("mic")
    plays = {
        "listening": write_clip(folder / "song.wav", song_library.songs[MIC_SONG].samples, 4.0, 20),
        "stranger": write_clip(folder / "stranger.wav", song_library.stranger, 4.0, 20),
    }
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made here
    # by the tests are still synchronous, which this tells Django.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
        chromium = {
            name: _launch(
                playwright,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={wav}",
            )
            for name, wav in plays.items()
        }
        chromium["refusing"] = _launch(
            playwright, "--use-fake-device-for-media-stream", "--deny-permission-prompts"
        )
        yield Browsers(chromium, viewports={"desktop": DESKTOP, "phone": phone})


@pytest.fixture
def open_page(browsers: Browsers, live_server: Any) -> Iterator[OpenPage]:
    """Opens pages; a test fails if any of them reports a violation of the
    Content-Security-Policy."""
    contexts = []
    violations = []

    def open_page(*, viewport: str = "desktop", browser: str = "listening", **options: Any) -> Page:
        context = browsers.chromium[browser].new_context(
            base_url=live_server.url,
            permissions=[] if browser == "refusing" else ["microphone"],
            **browsers.viewports[viewport],
            **options,
        )
        contexts.append(context)
        violations.append(PolicyViolations(context))
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    reported = [line for watch in violations for line in watch.reported]
    assert not reported, "the pages broke the Content-Security-Policy:\n" + "\n".join(reported)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A desktop page whose microphone plays MIC_SONG."""
    return open_page()
