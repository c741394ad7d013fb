"""The README's production-style run: gunicorn's configuration file, and the environment,
on this machine's plain HTTP."""

from __future__ import annotations

import secrets
from pathlib import Path

#: The configuration the README's production-style run gives gunicorn.
GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "kazoom_site" / "gunicorn.conf.py"


def production_env(**env: str) -> dict[str, str]:
    """DEBUG off with a secret key of its own, reached over plain HTTP (no redirect to HTTPS,
    cookies without the Secure flag), then ``env``."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",
        **env,
    }
