"""What Kazoom's own admin templates say: its name in the header, the fingerprints that go with
a deleted song, the song's player and cover on its change page."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Song
from testsupport.library import BOTH_DATABASES, SongLibrary

pytestmark = pytest.mark.django_db(databases=BOTH_DATABASES, transaction=True)


def test_the_admin_is_kazoom_s(admin_client: Client) -> None:
    page = admin_client.get("/admin/").content.decode()

    assert "Kazoom administration" in page and "Django administration" not in page


def test_deleting_a_song_says_its_fingerprints_go_too(
    admin_client: Client, indexed: SongLibrary
) -> None:
    song = Song.objects.get(title="Song 2")

    one = admin_client.get(f"/admin/catalog/song/{song.pk}/delete/").content.decode()
    several = admin_client.post(
        "/admin/catalog/song/",
        {"action": "delete_selected", "_selected_action": [song.pk, song.pk + 1]},
    ).content.decode()

    assert f"Its {song.fingerprint_count:,} fingerprints go too" in one
    assert "Their fingerprints go too" in several and "Are you sure" in several


def test_a_song_s_change_page_plays_it(admin_client: Client, indexed: SongLibrary) -> None:
    song = Song.objects.get(title="Song 2")

    page = admin_client.get(f"/admin/catalog/song/{song.pk}/change/").content.decode()
    added = admin_client.get("/admin/catalog/song/add/").content.decode()

    assert f'<audio controls preload="metadata" src="/songs/{song.pk}/audio"' in page
    assert f'src="/songs/{song.pk}/cover?v={song.cover_version()}"' in page
    assert "<audio" not in added
