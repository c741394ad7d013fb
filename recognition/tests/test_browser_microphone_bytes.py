"""The microphone sends mono 16-bit WAV at the engine's analysis rate, resampled in the page:
measured on the requests Chromium sends (Playwright), the song it hears is still named, and
ten seconds of a song it does not know cost under a third of the 880 KB of 44.1 kHz WAV."""

from __future__ import annotations

import struct

import pytest
from playwright.sync_api import Page, Request, expect

from fingerprints.wiring import engine_config
from testsupport.browser import MIC_SONG, OpenPage
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)

#: What ten seconds cost as 44.1 kHz mono 16-bit WAV, as the page sent them before.
FORMER_TEN_SECONDS_BYTES = 44 + 10 * 44100 * 2


#: Keeps the head of each WAV the page posts, as the page hands it to htmx's request.
RECORD_WAV_HEADS = """
const send = XMLHttpRequest.prototype.send;
window.kazoomWavHeads = [];
XMLHttpRequest.prototype.send = function (body) {
  const audio = body instanceof FormData ? body.get("audio") : null;
  if (audio instanceof Blob) {
    const keep = (head) => window.kazoomWavHeads.push([...new Uint8Array(head)]);
    audio.slice(0, 44).arrayBuffer().then(keep);
  }
  return send.call(this, body);
};
"""


def _wav_heads(page: Page) -> list[tuple[int, int, int, int]]:
    """(channels, sample rate, bits per sample, data bytes) of each WAV the page posted."""
    heads = []
    for head in page.evaluate("window.kazoomWavHeads"):
        wav = bytes(head)
        assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
        channels, rate = struct.unpack_from("<HI", wav, 22)
        (bits,) = struct.unpack_from("<H", wav, 34)
        (data_bytes,) = struct.unpack_from("<I", wav, 40)
        heads.append((channels, rate, bits, data_bytes))
    return heads


def _microphone_posts(page: Page) -> list[Request]:
    """The page's posts of clips, as Chromium sends them."""
    page.add_init_script(RECORD_WAV_HEADS)
    posts: list[Request] = []

    def keep(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/recognize"):
            posts.append(request)

    page.on("request", keep)
    return posts


def test_the_song_heard_is_named_from_audio_at_the_analysis_rate(
    open_page: OpenPage, indexed: SongLibrary
) -> None:
    page = open_page()
    posts = _microphone_posts(page)
    page.goto("/")

    page.get_by_role("button", name="Listen", exact=True).click()

    expect(page.locator('#result [data-outcome="match"] .song-title')).to_have_text(
        indexed.songs[MIC_SONG].title, timeout=20_000
    )
    rate = engine_config().sample_rate
    heads = _wav_heads(page)
    assert len(heads) == len(posts) >= 1
    for channels, sent_rate, bits, data_bytes in heads:
        assert (channels, sent_rate, bits) == (1, rate, 16)
        assert 2.9 * rate * 2 <= data_bytes <= 10.5 * rate * 2


def test_ten_seconds_cost_under_a_third_of_the_former_bytes(
    open_page: OpenPage, indexed: SongLibrary
) -> None:
    page = open_page(browser="stranger")
    posts = _microphone_posts(page)
    page.goto("/")

    page.get_by_role("button", name="Listen", exact=True).click()

    expect(page.locator('#result [data-outcome="no-match"]')).to_be_visible(timeout=25_000)
    assert len(posts) == 3
    # The bytes Chromium sent, as its network stack declared them.
    body_bytes = int(posts[-1].all_headers()["content-length"])
    assert 10 * 11025 * 2 < body_bytes <= FORMER_TEN_SECONDS_BYTES / 3
    _, rate, _, data_bytes = _wav_heads(page)[-1]
    assert 9.9 <= data_bytes / 2 / rate <= 10.5
