"""The admin of rows the site writes itself (the log, the jobs, the duplicates found)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and viewed, never added or changed by hand; whether a row may be deleted is each
    admin's own (Django's model permission, unless it says otherwise)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
