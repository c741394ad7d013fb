"""Tags written into test audio files as taggers write them, through mutagen's easy keys."""

from __future__ import annotations

from pathlib import Path

import mutagen
import mutagen.mp4


def tag(path: Path, **fields: str) -> Path:
    """Set ``fields`` (``title="…"``, ``albumartist="…"``; ``compilation="1"``) on ``path``."""
    compilation = fields.pop("compilation", None)
    audio = mutagen.File(path, easy=True)
    if audio.tags is None:
        audio.add_tags()
    for key, value in fields.items():
        audio[key] = value
    audio.save()
    if compilation is not None:
        _set_compilation(path, compilation)
    return path


def _set_compilation(path: Path, value: str) -> None:
    if path.suffix.lower() == ".m4a":  # a boolean atom, not text: easy keys cannot write it
        mp4 = mutagen.mp4.MP4(path)
        assert mp4.tags is not None
        mp4.tags["cpil"] = value == "1"
        mp4.save()
        return
    audio = mutagen.File(path, easy=True)
    audio["compilation"] = value
    audio.save()
