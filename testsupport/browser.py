"""What the browser tests share: where screenshots go, the viewports, the browsers."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.contrib.auth.models import User
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: axe-core, as scripts/install-axe.sh installs it (scripts/test.sh runs that).
AXE_SCRIPT = Path(__file__).resolve().parents[1] / ".test-tools/node_modules/axe-core/axe.min.js"
#: The impacts of the accessibility violations a page must not have.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
#: The library song the fake microphone plays.
MIC_SONG = 2
#: The password of the superuser ``signed_in_admin`` makes.
ADMIN_PASSWORD = "Kaz00m-admin-pass"
#: Playwright's description of the phone the phone viewport is.
PHONE = "Pixel 5"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

#: Opens a page: ``open_page(viewport="phone", browser="refusing")`` (see ``Browsers``); other
#: keyword arguments go to Playwright's ``new_context``.
OpenPage = Callable[..., Page]


@dataclass(frozen=True)
class Browsers:
    #: Chromium by what its microphone does: "listening" plays the library's MIC_SONG,
    #: "stranger" plays the library's song that is never indexed, "refusing" is refused.
    chromium: dict[str, Browser]
    #: ``new_context`` arguments of each viewport, "desktop" and "phone".
    viewports: dict[str, dict[str, Any]]


def screenshot(page: Page, name: str) -> None:
    """The whole page as ``test-artifacts/<name>.png``, for people to look at.

    The viewport is stretched to the page's height for it, then put back: Playwright's
    full-page screenshot drops a phone's touch emulation, and the page with it.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    viewport = page.viewport_size
    assert viewport is not None
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(viewport)


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations in the page as it is now, one line each:
    the rule, its help text and the elements it found."""
    assert AXE_SCRIPT.is_file(), "axe-core is needed: run scripts/install-axe.sh"
    # Evaluated by the driver, not added as a <script>: the page's Content-Security-Policy
    # refuses inline scripts, and rightly.
    page.evaluate(AXE_SCRIPT.read_text())
    # Without preloading: axe would copy the page's stylesheets into <style> elements of its
    # own, which the Content-Security-Policy refuses (only its CSS-orientation rule reads them).
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")[
        "violations"
    ]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


#: Runs in every page before its own scripts: each violation of the Content-Security-Policy is
#: written to the console, with what it blocked and where.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
  + ` in ${event.documentURI} (${event.sourceFile || "the page"}:${event.lineNumber})`));
"""


class PolicyViolations:
    """Every violation of the Content-Security-Policy the pages of ``context`` report: their
    ``securitypolicyviolation`` events and Chromium's own console lines about the policy."""

    def __init__(self, context: BrowserContext) -> None:
        self.reported: list[str] = []
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._heard)

    def _heard(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("CSP violation"):
            self.reported.append(message.text)


def assert_accessible_and_shot(page: Page, state: str, viewport: str) -> None:
    """No serious or critical accessibility violation in ``page`` as it is now, and its
    screenshot as ``test-artifacts/<state>-<viewport>.png``."""
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"{state}-{viewport}")


def shown_colour(element: Locator, x: float, y: float) -> tuple[int, int, int]:
    """The colour the page draws at (``x``, ``y``) of ``element``, as fractions of its box."""
    image = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
    pixel = image.getpixel((int(x * image.width), int(y * image.height)))
    return cast(tuple[int, int, int], pixel)


def assert_cover_shows(cover: Locator, colour: tuple[int, int, int]) -> None:
    """``cover`` is a loaded image drawn in ``colour`` (the test library's covers are one
    colour, with a white square in the top left corner)."""
    # Covers load lazily: in view, and once decoded (decode() fails for a broken image).
    cover.scroll_into_view_if_needed()
    assert cover.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    drawn = shown_colour(cover, 0.7, 0.7)
    assert max(abs(a - b) for a, b in zip(drawn, colour, strict=True)) <= 16, drawn


def signed_in_admin(open_page: OpenPage, viewport: str) -> Page:
    """A page signed in to the admin as a new superuser, on its index."""
    User.objects.create_superuser("boss", "boss@example.org", ADMIN_PASSWORD)
    page = open_page(viewport=viewport)
    page.goto("/admin/login/")
    expect(page.locator("#site-name")).to_have_text("Kazoom administration")
    page.fill("#id_username", "boss")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click('input[type="submit"]')
    expect(page).to_have_title("The catalog and the log of recognitions | Kazoom administration")
    return page
