"""The environment of the README's production-style run, on this machine's plain HTTP."""

from __future__ import annotations

import secrets


def production_env(**env: str) -> dict[str, str]:
    """DEBUG off with a secret key of its own, reached over plain HTTP (no redirect to HTTPS,
    cookies without the Secure flag), then ``env``."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",
        **env,
    }
