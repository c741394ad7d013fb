"""Who a request comes from, for the limits on recognition and on admin logins."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The connection's address, or, behind ``KAZOOM_TRUSTED_PROXIES`` proxies, the address the
    outermost of them saw (a client can write X-Forwarded-For's first entries itself, never the
    ones the proxies append)."""
    proxies = settings.KAZOOM_TRUSTED_PROXIES
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
