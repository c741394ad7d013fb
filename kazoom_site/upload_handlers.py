"""Where uploads wait while a request is handled, under names that owe nothing to the client."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class NamelessTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's stream-to-disk handler, its temporary file named without the client's file
    name: Django's own puts the name's extension in the path, so a long one fails to open.

    The upload keeps the client's name for display only.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = TemporaryUploadedFile(
            "upload", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.file.name = self.file_name
