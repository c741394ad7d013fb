"""Every response carries the Content-Security-Policy, but Django's traceback page (DEBUG on)."""

from __future__ import annotations

import pytest
from django.test import Client

from kazoom_site.csp import policy_header


def test_the_header_is_the_setting_s_directives_in_order() -> None:
    policy = {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}

    assert policy_header(policy) == "default-src 'self'; img-src 'self' data:"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/songs/", "/admin/login/", "/no-such-page"])
def test_pages_carry_the_policy(path: str, client: Client, settings) -> None:  # noqa: ANN001
    response = client.get(path)

    assert response["Content-Security-Policy"] == policy_header(settings.CONTENT_SECURITY_POLICY)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_the_404_page_carries_it_in_both_modes(debug: bool, client: Client, settings) -> None:  # noqa: ANN001
    settings.DEBUG = debug

    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Security-Policy"] == policy_header(settings.CONTENT_SECURITY_POLICY)


@pytest.mark.django_db
def test_django_s_traceback_page_goes_without_it(
    settings,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("the catalog broke")

    monkeypatch.setattr("recognition.views.find_songs", fail)
    settings.DEBUG = True

    response = Client(raise_request_exception=False).get("/songs/")

    assert response.status_code == 500 and b"the catalog broke" in response.content
    assert "Content-Security-Policy" not in response
