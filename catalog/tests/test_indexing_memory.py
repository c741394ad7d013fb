"""Indexing one file costs a bounded amount of memory however the file declares itself: a
real ``index_songs`` child per hostile file, its peak resident memory counted by the kernel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from testsupport.codecs import write_audio
from testsupport.commands import migrated_data_dir, run_manage_measured
from testsupport.hostile import silent_flac, wav_bytes, with_cover_art
from testsupport.music import SAMPLE_RATE, synth_song

MAX_PEAK_MIB = 300


def one_hertz_wav(folder: Path) -> Path:
    """28 kB of samples declared at 1 Hz: 3.9 h, 1.5 GB once resampled to the analysis rate."""
    path = folder / "one-hertz.wav"
    path.write_bytes(wav_bytes(rate=1, data=bytes(range(256)) * 110))
    return path


def five_hours_declared(folder: Path) -> Path:
    return silent_flac(folder / "declared.flac", seconds=5 * 3600)


def five_hours_hidden(folder: Path) -> Path:
    """Decoded up to the 4 h limit, since nothing says how long it is: 635 MB held whole."""
    return silent_flac(folder / "hidden.flac", seconds=5 * 3600, declared=False)


def sixty_megabytes_of_cover_art(folder: Path) -> Path:
    song = write_audio(folder / "art.mp3", synth_song(3, 10.0), SAMPLE_RATE)
    return with_cover_art(song, 60 * 1024 * 1024)


def four_gigabytes_declared(folder: Path) -> Path:
    """A second of samples whose data chunk claims 4 GB."""
    path = folder / "claims-4gb.wav"
    path.write_bytes(wav_bytes(data=bytes(22050), declared_data_bytes=0xFFFFFFF0))
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "1 Hz WAV": (one_hertz_wav, "sample rate of 1 Hz"),
    "5 h FLAC, declared": (five_hours_declared, "declares 5.0 h of audio"),
    "5 h FLAC, length hidden": (five_hours_hidden, "longer than the 4 h indexing limit"),
    "60 MB of cover art": (sixty_megabytes_of_cover_art, ""),
    "WAV claiming 4 GB": (four_gigabytes_declared, "cut short"),
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path_factory.mktemp("data"))


@pytest.mark.parametrize("name", HOSTILE)
def test_indexing_a_hostile_file_stays_within_memory(
    name: str, data_dir: Path, tmp_path: Path
) -> None:
    make, refusal = HOSTILE[name]

    run = run_manage_measured("index_songs", str(make(tmp_path)), data_dir=data_dir)

    print(f"{name}: peak {run.peak_rss_mib:.0f} MiB")
    assert "Traceback" not in run.stderr
    if refusal:
        assert run.exit_code == 1 and refusal in run.stderr
    else:
        assert run.exit_code == 0, run.stderr
    assert run.peak_rss_mib <= MAX_PEAK_MIB
