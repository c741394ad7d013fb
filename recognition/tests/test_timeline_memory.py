"""A timeline holds a bounded amount of memory however long the recording: a real
``timeline`` child per recording, its peak resident memory counted by the kernel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from testsupport.codecs import write_audio
from testsupport.commands import migrated_data_dir, run_manage, run_manage_measured
from testsupport.music import synth_song

#: The peak allowed: the target for a recording of hours.
MAX_PEAK_MIB = 300
#: What an hour may cost beyond twenty minutes: the matches of its windows, and no signal (a
#: recording held whole would cost hundreds of MiB an hour).
MAX_GROWTH_MIB = 30
RATE = 8000


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of one song, the song every window of the recordings below names."""
    data = migrated_data_dir(tmp_path_factory.mktemp("data"))
    song = write_audio(tmp_path_factory.mktemp("song") / "song.flac", synth_song(4), RATE)
    run = run_manage("index_songs", str(song), data_dir=data)
    assert run.returncode == 0, run.stderr
    return data


def looped(path: Path, seconds: int) -> Path:
    """The song played over and over for ``seconds``, written block by block."""
    song = (synth_song(4, sample_rate=RATE) * 32767).astype(np.int16)
    with sf.SoundFile(path, "w", RATE, 1, format="FLAC", subtype="PCM_16") as out:
        for _ in range(seconds // 30):
            out.write(song)
    return path


def test_an_hour_costs_no_more_memory_than_twenty_minutes(data_dir: Path, tmp_path: Path) -> None:
    peaks = {}
    for seconds in (20 * 60, 3600):
        recording = looped(tmp_path / f"{seconds}.flac", seconds)
        run = run_manage_measured("timeline", str(recording), data_dir=data_dir)
        assert run.exit_code == 0, run.stderr
        peaks[seconds] = run.peak_rss_mib

    print(f"peak: {peaks[1200]:.0f} MiB for 20 min, {peaks[3600]:.0f} MiB for an hour")
    assert peaks[3600] <= MAX_PEAK_MIB
    assert peaks[3600] - peaks[1200] <= MAX_GROWTH_MIB
