"""Every error Django answers itself is in the site's look, header kept, in both DEBUG modes
(a server error with DEBUG on stays Django's traceback page): an unknown URL, a view's 404, a
refused permission or CSRF check, a request Django cannot read, a server error; under /api/ in
the API's JSON shape, to htmx as the error card."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from pytest_django.fixtures import Settings

from kazoom_site.csp import policy_header

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(request: pytest.FixtureRequest, settings: Settings) -> bool:
    settings.DEBUG = request.param
    return request.param


def assert_site_page(response: Response, status: int, headline: str) -> str:
    """The site's page: its header and navigation, the error's headline, the policy."""
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert '<header class="site">' in body and 'aria-label="Main"' in body
    assert f"<h1>{headline}</h1>" in body
    assert response["Content-Security-Policy"]
    assert "Traceback" not in body and "Django tried these URL patterns" not in body
    return body


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_an_unknown_url_is_the_site_s_404_page(client: Client, debug: bool) -> None:
    response = client.get("/no/such/page")

    body = assert_site_page(response, 404, "Page not found")
    assert 'href="/songs/"' in body


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_a_view_s_own_404_is_the_site_s_page(client: Client, debug: bool) -> None:
    response = client.get("/songs/12345/cover")  # the cover view raises Http404

    assert_site_page(response, 404, "Page not found")


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_a_missing_slash_is_still_added(client: Client, debug: bool) -> None:
    response = client.get("/songs")

    assert response.status_code == 301 and response["Location"] == "/songs/"


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_an_unknown_api_url_answers_in_the_api_s_shape(client: Client, debug: bool) -> None:
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_htmx_gets_the_error_card_to_swap_in(client: Client, debug: bool) -> None:
    response = client.get("/no/such/page", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-outcome="error" data-code="not_found"' in body and "<header" not in body


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
@pytest.mark.parametrize("htmx", [False, True], ids=["whole page", "htmx"])
def test_a_form_refused_by_the_csrf_check_says_to_reload(debug: bool, htmx: bool) -> None:
    client = Client(enforce_csrf_checks=True)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post("/recognize", {"source": "upload"}, headers=headers)

    if htmx:
        assert response.status_code == 403
        assert 'data-code="csrf_failed"' in response.content.decode()
    else:
        assert "reload the page" in assert_site_page(response, 403, "This page has expired")


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"], indirect=True)
def test_a_refused_permission_is_the_site_s_403_page(
    client: Client, debug: bool, django_user_model: type[User]
) -> None:
    user = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_song"))
    client.force_login(user)

    response = client.get("/admin/catalog/song/1/delete/")

    assert_site_page(response, 403, "Not allowed")


def test_a_request_django_cannot_read_is_the_site_s_400_page(client: Client) -> None:
    response = client.get("/", headers={"host": "kazoom.invalid"})

    assert_site_page(response, 400, "Bad request")


@pytest.fixture
def failing_songs_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("the catalog broke")

    monkeypatch.setattr("recognition.views.find_songs", fail)


@pytest.mark.usefixtures("failing_songs_page")
def test_with_debug_off_a_server_error_is_the_site_s_500_page(settings: Settings) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/songs/")

    body = assert_site_page(response, 500, "Something went wrong on our side")
    assert "the catalog broke" not in body
    assert response["Content-Security-Policy"] == policy_header(settings.CONTENT_SECURITY_POLICY)


@pytest.mark.usefixtures("failing_songs_page")
def test_with_debug_on_a_server_error_is_django_s_traceback_page(settings: Settings) -> None:
    settings.DEBUG = True
    client = Client(raise_request_exception=False)

    response = client.get("/songs/")

    assert response.status_code == 500 and b"the catalog broke" in response.content


def test_with_debug_off_an_api_server_error_answers_in_the_api_s_shape(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the admission broke")

    monkeypatch.setattr("recognition.views.admit", fail)
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.post("/api/recognize")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "broke" not in response.content.decode()
