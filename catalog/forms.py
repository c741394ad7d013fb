"""The admin's Song form: the song's metadata and the audio file it is fingerprinted from."""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst

from recognition.duplicate_search import shared_audio_notes

from .indexing import AnalysedFile, FileReport, Indexer
from .models import Song
from .tags import SongTags
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
    """Validation keeps and fingerprints the uploaded file; ``save_song`` stores the song and
    its fingerprints together, its title, artist and album, where left blank, from the file's
    tags, as ``index_songs`` reads them.

    A refused file is removed at once, so the library folder only holds songs' files. A form
    refused for another field keeps the chosen file aside (``catalog.uploads``) and carries
    its signed token in a hidden field: sent again, the form uses that file, unless another
    is chosen.
    """

    audio_file = forms.FileField(
        label="Audio file",
        required=False,
        help_text="Fingerprinted when you save; a new file replaces the song's fingerprints. "
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
        self.indexer = Indexer.from_settings(shared_audio=shared_audio_notes)
        self.analysed: AnalysedFile | None = None
        #: What the song saved shares with other songs of the catalog (``FileReport.shared``).
        self.shared_audio: tuple[str, ...] = ()
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
        """Validate as usual, then keep and fingerprint the file, once everything else (model
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
            self._analyse(keep_upload(upload), upload.name)
        elif self.pending is not None:
            self._analyse(claim_pending(self.pending), self.pending.name)

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

    def _analyse(self, path: Path, name: str | None) -> None:
        with discarded_on_error(path):
            analysed = self.indexer.analyse_for(self.instance, path, name)
        if isinstance(analysed, FileReport):
            discard_kept(path)
            self.add_error("audio_file", f"{capfirst(analysed.message)}.")
        else:
            self.analysed = analysed

    def save_song(self) -> None:
        """Save the song and, with a new file, its fingerprints, which replace any it had,
        with what was left blank read from the file's tags.

        The file it was indexed from before goes once the surrounding transaction commits.
        """
        song = self.instance
        if self.analysed is None:
            song.save()
            return
        previous_file = song.source_path
        tags = self._entered_over(self.analysed.tags)
        with discarded_on_error(self.analysed.path):
            self.shared_audio = self.indexer.commit(song, self.analysed, tags=tags).shared
        if previous_file:
            transaction.on_commit(partial(discard_kept, previous_file), using=DEFAULT_DB_ALIAS)

    def _entered_over(self, tags: SongTags) -> SongTags:
        """The file's ``tags`` with what was entered in the form in their place."""
        song = self.instance
        album = song.album
        return dataclasses.replace(
            tags,
            title=song.title or tags.title,
            artist=song.artist.name if song.artist_id is not None else tags.artist,
            album=album.title if album is not None else tags.album,
            album_artist=album.artist.name if album is not None else tags.album_artist,
        )
