"""The admin's Song form: the song's metadata and the audio file it is fingerprinted from."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst

from .indexing import FileReport, Indexer
from .indexing_jobs import queue_file
from .models import IndexingJob, Song
from .uploads import (
    claim_pending,
    discard_kept,
    discard_pending,
    discarded_on_error,
    keep_pending,
    keep_upload,
    pending_upload,
)

#: Without a file to read them from, these must be entered.
_FROM_TAGS = ("title", "artist")


class SongForm(forms.ModelForm):
    """Validation keeps the uploaded file and checks what can be told without decoding it
    (``Indexer.vet``); ``save_song`` queues it for the worker (``catalog.indexing_jobs``),
    which stores the song and its fingerprints together, its title, artist and album, where
    left blank, from the file's tags, as ``index_songs`` reads them. Without a new file, the
    song's metadata is saved at once.

    A refused file is removed at once, so the library folder only holds songs' files. A form
    refused for another field keeps the chosen file aside (``catalog.uploads``) and carries
    its signed token in a hidden field: sent again, the form uses that file, unless another
    is chosen.
    """

    audio_file = forms.FileField(
        label="Audio file",
        required=False,
        help_text="Checked when you save, then fingerprinted on the task queue (follow it under "
        "Indexing jobs); a new file replaces the song's fingerprints once indexed. "
        "Title, artist and album left blank come from its tags.",
    )
    kept_file = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Song
        fields = ["title", "artist", "album"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _FROM_TAGS:
            self.fields[name].required = False
        self.indexer = Indexer.from_settings()
        #: The file kept for the song once the form is valid, and the browser's name for it.
        self.kept: tuple[Path, str] | None = None
        token = self.data.get(self.add_prefix("kept_file")) if self.is_bound else None
        self.pending = pending_upload(token) if token else None
        self._say_kept()

    def clean_audio_file(self) -> UploadedFile | None:
        upload = self.cleaned_data["audio_file"]
        limit = settings.KAZOOM_MAX_SONG_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; "
                f"the largest song file accepted is {filesizeformat(limit)}."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        has_file = cleaned.get("audio_file") is not None or self.pending is not None
        if has_file or "audio_file" in self.errors:
            return cleaned
        if self.instance.pk is None:
            self.add_error("audio_file", "This field is required.")
        for name in _FROM_TAGS:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, "Enter it, or choose a file whose tags have it.")
        return cleaned

    def full_clean(self) -> None:
        """Validate as usual, then keep and vet the file, once everything else (model
        validation included) is valid; a form refused for another field keeps the file it was
        sent with aside for the next try.
        """
        super().full_clean()
        if not self.is_bound:
            return
        upload = self.cleaned_data.get("audio_file")
        if self.errors:
            if upload is not None:
                self._keep_for_next_try(upload)
        elif upload is not None:
            self._vet(keep_upload(upload), upload.name or "")
        elif self.pending is not None:
            self._vet(claim_pending(self.pending), self.pending.name)

    def _keep_for_next_try(self, upload: UploadedFile) -> None:
        if self.pending is not None:
            discard_pending(self.pending)
        self.pending = keep_pending(upload)
        data = cast(QueryDict, self.data).copy()  # bound to a request's immutable QueryDict
        data[self.add_prefix("kept_file")] = self.pending.token
        self.data = data
        self._say_kept()

    def _say_kept(self) -> None:
        if self.pending is None:
            return
        said = (
            f"Kept from your last try: {self.pending.name or 'your file'}. It is used when you "
            "save, unless you choose another."
        )
        # A bound field copies its help text when made, and cleaning has made this one.
        self.fields["audio_file"].help_text = self["audio_file"].help_text = said

    def _vet(self, path: Path, name: str) -> None:
        with discarded_on_error(path):
            vetted = self.indexer.vet(self.instance, path)
        if isinstance(vetted, FileReport):
            discard_kept(path)
            self.add_error("audio_file", f"{capfirst(vetted.message)}.")
        else:
            self.kept = (path, name)

    def save_song(self) -> IndexingJob | None:
        """Queue the new file of the song, if one was sent: the job; else save the song's
        metadata at once (None)."""
        if self.kept is None:
            self.instance.save()
            return None
        path, name = self.kept
        with discarded_on_error(path):
            return queue_file(self.instance, path, name)
