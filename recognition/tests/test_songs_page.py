"""``/songs/``: the catalog, searchable and paginated, with a helpful empty state."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from testsupport.catalog import small_catalog

pytestmark = pytest.mark.django_db


def test_an_empty_catalog_says_how_to_add_songs(client: Client) -> None:
    page = client.get("/songs/").content.decode()

    assert "No songs yet" in page
    assert "index_songs" in page and "/admin/catalog/song/add/" in page


def test_songs_are_listed_with_their_details_a_page_at_a_time(client: Client) -> None:
    small_catalog(30)

    first = client.get("/songs/").content.decode()
    second = client.get("/songs/?page=2").content.decode()

    assert "31 songs" in first and "Page 1 of 2" in first
    assert "Lonely Tune" in first and "Solo Act" in first and "3:20" in first
    assert "Track 00" in first and "Greatest Fixtures" in first and "1:01" in first
    assert "Track 29" in second and "Track 00" not in second


@pytest.mark.parametrize(("query", "expected"), [("lonely", 1), ("testers", 30), ("fixtures", 30)])
def test_search_covers_title_artist_and_album(client: Client, query: str, expected: int) -> None:
    small_catalog(30)

    page = client.get("/songs/", {"q": query}).content.decode()

    assert f"{expected} song" in page


def test_htmx_search_returns_only_the_table(client: Client) -> None:
    small_catalog(3)

    response = client.get("/songs/", {"q": "nothing like this"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<html" not in page and "No songs match" in page


def test_the_page_and_its_table_share_a_url_so_the_response_varies_on_htmx(client: Client) -> None:
    small_catalog(3)

    page = client.get("/songs/", {"q": "lonely"})
    table = client.get("/songs/", {"q": "lonely"}, HTTP_HX_REQUEST="true")

    assert "HX-Request" in page["Vary"] and "HX-Request" in table["Vary"]
    assert "<html" in page.content.decode() and "<html" not in table.content.decode()


def test_htmx_restoring_a_search_on_back_gets_the_whole_page(client: Client) -> None:
    small_catalog(3)

    response = client.get(
        "/songs/", {"q": "lonely"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    page = response.content.decode()
    assert "<html" in page and 'value="lonely"' in page and "1 song matching" in page


@pytest.mark.parametrize(
    ("sort", "first", "marked"),
    [
        ("title", "Lonely Tune", ("Title", "ascending")),
        ("-title", "Track 29", ("Title", "descending")),
        ("-duration", "Lonely Tune", ("Duration", "descending")),
        ("duration", "Track 00", ("Duration", "ascending")),
        ("album", "Track 00", ("Album", "ascending")),  # songs on no album come last
        ("no-such-column", "Lonely Tune", ("Artist", "ascending")),  # the default: by artist
    ],
)
def test_songs_sort_by_any_column(
    client: Client, sort: str, first: str, marked: tuple[str, str]
) -> None:
    small_catalog(30)

    page = client.get("/songs/", {"sort": sort}).content.decode()

    rows = re.findall(r'class="row-title">([^<]+)<', page)
    assert rows[0] == first
    label, direction = marked
    assert re.search(rf'aria-sort="{direction}"><a [^>]*>{label}<', page)
    assert page.count("aria-sort=") == 1


def test_a_sorted_column_s_link_turns_it_round_and_pages_keep_the_sort(client: Client) -> None:
    small_catalog(30)

    page = client.get("/songs/", {"sort": "-duration", "q": "track"}).content.decode()

    assert 'href="?q=track&amp;sort=duration"' in page
    assert (
        'href="?q=track&amp;sort=-title"' not in page and 'href="?q=track&amp;sort=title"' in page
    )
    assert 'href="?q=track&amp;sort=-duration&amp;page=2"' in page
    assert '<input type="hidden" name="sort" id="sort" value="-duration">' in page


def test_an_htmx_sort_updates_the_search_form_s_sort(client: Client) -> None:
    small_catalog(3)

    table = client.get("/songs/", {"sort": "title"}, HTTP_HX_REQUEST="true").content.decode()

    assert 'name="sort" id="sort" value="title" hx-swap-oob="true"' in table
