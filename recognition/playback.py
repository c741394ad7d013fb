"""Who may play the songs themselves: ``KAZOOM_PLAYBACK`` says staff (the default) or
everyone."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def may_play(user: AbstractBaseUser | AnonymousUser) -> bool:
    if settings.KAZOOM_PLAYBACK == "everyone":
        return True
    return bool(user.is_active and getattr(user, "is_staff", False))
