"""The admin's Song form: the song's metadata and the audio file it is fingerprinted from."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst

from recognition.duplicate_search import shared_audio_notes

from .indexing import AnalysedFile, FileReport, Indexer
from .models import Song
from .uploads import discard_kept, discarded_on_error, keep_upload


class SongForm(forms.ModelForm):
    """Validation keeps and fingerprints the uploaded file; ``save_song`` stores the song and
    its fingerprints together.

    A refused file is removed at once, so the library folder only holds songs' files.
    """

    audio_file = forms.FileField(
        label="Audio file",
        required=False,
        help_text="Fingerprinted when you save; a new file replaces the song's fingerprints.",
    )

    class Meta:
        model = Song
        fields = ["title", "artist", "album"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audio_file"].required = self.instance.pk is None
        self.indexer = Indexer.from_settings(shared_audio=shared_audio_notes)
        self.analysed: AnalysedFile | None = None
        #: What the song saved shares with other songs of the catalog (``FileReport.shared``).
        self.shared_audio: tuple[str, ...] = ()

    def clean_audio_file(self) -> UploadedFile | None:
        upload = self.cleaned_data["audio_file"]
        limit = settings.KAZOOM_MAX_SONG_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; "
                f"the largest song file accepted is {filesizeformat(limit)}."
            )
        return upload

    def full_clean(self) -> None:
        """Validate as usual, then keep and fingerprint the upload, once everything else (model
        validation included) is valid: a form refused for any other reason never leaves a file
        behind.
        """
        super().full_clean()
        if not self.is_bound or self.errors:
            return
        upload = self.cleaned_data.get("audio_file")
        if upload is not None:
            self._analyse(upload)

    def _analyse(self, upload: UploadedFile) -> None:
        path = keep_upload(upload)
        with discarded_on_error(path):
            analysed = self.indexer.analyse_for(self.instance, path)
        if isinstance(analysed, FileReport):
            discard_kept(path)
            self.add_error("audio_file", f"{capfirst(analysed.message)}.")
        else:
            self.analysed = analysed

    def save_song(self) -> None:
        """Save the song and, with a new file, its fingerprints, which replace any it had.

        The file it was indexed from before goes once the surrounding transaction commits.
        """
        song = self.instance
        if self.analysed is None:
            song.save()
            return
        previous_file = song.source_path
        with discarded_on_error(self.analysed.path):
            self.shared_audio = self.indexer.commit(song, self.analysed).shared
        if previous_file:
            transaction.on_commit(partial(discard_kept, previous_file), using=DEFAULT_DB_ALIAS)
