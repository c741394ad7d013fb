"""The scripts' folder arguments and work folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench.common import empty_or_new_folder, existing_folder, workspace


def test_a_music_folder_must_exist(tmp_path: Path) -> None:
    assert existing_folder(str(tmp_path)) == tmp_path
    with pytest.raises(argparse.ArgumentTypeError, match="no such folder"):
        existing_folder(str(tmp_path / "missing"))


def test_keep_takes_an_empty_or_new_folder_only(tmp_path: Path) -> None:
    assert empty_or_new_folder(str(tmp_path)) == tmp_path
    assert empty_or_new_folder(str(tmp_path / "new")) == tmp_path / "new"
    (tmp_path / "left.txt").write_text("from an earlier run")
    with pytest.raises(argparse.ArgumentTypeError, match="empty or new"):
        empty_or_new_folder(str(tmp_path))


def test_a_kept_workspace_stays_and_a_temporary_one_goes(tmp_path: Path) -> None:
    with workspace(tmp_path / "kept") as work:
        (work / "clip.wav").write_bytes(b"")
    assert (tmp_path / "kept" / "clip.wav").exists()
    with workspace(None) as work:
        temporary = work
        assert temporary.is_dir()
    assert not temporary.exists()
