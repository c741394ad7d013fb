"""What the browser tests share: where screenshots go, the viewports, the browsers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: The library song the fake microphone plays.
MIC_SONG = 2
#: Playwright's description of the phone the phone viewport is.
PHONE = "Pixel 5"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

#: Opens a page: ``open_page(viewport="phone", browser="refusing")``; other keyword arguments
#: go to Playwright's ``new_context``.
OpenPage = Callable[..., Page]


@dataclass(frozen=True)
class Browsers:
    #: A Chromium whose microphone plays the library's MIC_SONG, and one that refuses it.
    listening: Browser
    refusing: Browser
    #: ``new_context`` arguments of each viewport, "desktop" and "phone".
    viewports: dict[str, dict[str, Any]]


def screenshot(page: Page, name: str) -> None:
    """The whole page as ``test-artifacts/<name>.png``, for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
