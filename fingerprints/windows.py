"""A long recording cut into overlapping windows, each ready to be recognised as a clip.

The recording is decoded as a stream and its peaks found once, for every query phase, a few
minutes at a time (``streamed_peaks``); each window's analysis is made of the peaks that fall
in it, and it carries its own samples, which the speed search resamples. Only the samples of
the minutes being analysed are held, so a recording of hours costs the memory of a few
minutes of its signal and of its windows' matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .audio import AudioInput, AudioReader, DecodedAudio
from .config import EngineConfig
from .errors import TooShort
from .peaks import Peaks
from .pipeline import Limit, Query, open_within, query_analysis, query_phase_samples
from .spectrogram import frame_count
from .streamed_peaks import settling_frames, stream_peaks


@dataclass(frozen=True)
class RecordingWindow:
    """A window of the recording: where it starts (seconds) and the clip it makes."""

    start_seconds: float
    query: Query


class WindowedRecording:
    """A recording opened for windowed recognition; its header has been checked.

    ``declared_seconds`` is the length the container declares, if it does; once
    ``windows()`` is exhausted, ``duration_seconds`` is the length decoded.
    """

    def __init__(self, reader: AudioReader, config: EngineConfig) -> None:
        self._reader = reader
        self._config = config
        self.declared_seconds = reader.declared_seconds
        self.duration_seconds = 0.0
        self._audio: list[np.ndarray] = []  # the samples from ``_audio_from`` on
        self._audio_from = 0
        self._samples_read = 0

    def windows(self, skip: int = 0) -> Iterator[RecordingWindow]:
        """The windows of ``config.timeline_window_seconds``, one every
        ``config.timeline_hop_seconds`` from the start, and a last one ending where the
        recording ends, but the first ``skip`` of them; a recording shorter than a window is
        one window.

        Skipped windows are not analysed: the signal is analysed from ``settling_frames``
        before the last of them, where its peaks are already those of the whole recording.
        It is still decoded from the start, and dropped up to there as it comes: a resampler
        started after a seek rounds its samples otherwise (by 1e-7), and so the windows after
        are exactly those of the whole recording.

        Raises ``AudioError`` when the recording cannot be decoded, is shorter than
        ``config.min_query_seconds`` or longer than ``config.max_timeline_seconds``.
        """
        config = self._config
        shifts = query_phase_samples(config)
        hop = max(1, config.seconds_to_frames(config.timeline_hop_seconds))
        width = config.seconds_to_frames(config.timeline_window_seconds)
        origin = max(0, (skip - 1) * hop - settling_frames(config))  # the first frame analysed
        self._audio_from = origin * config.hop_length
        pending = [_no_peaks()] * len(shifts)
        start = skip * hop  # the frame the next window starts at
        blocks = self._kept(self._reader.blocks(), self._audio_from)
        for stretch in stream_peaks(blocks, config, config.query_density, shifts):
            pending = [
                Peaks.concatenate([p, _moved(new, origin)])
                for p, new in zip(pending, stretch.phases)
            ]
            audio = self._held_audio()
            while start + width <= origin + stretch.until_frame:
                yield self._window(start, width, audio, pending, shifts)
                start += hop
            # The last window may start up to a hop before the next one would.
            keep_from = max(0, start - hop)
            pending = [_from_frame(p, keep_from) for p in pending]
            self._drop_audio_before(keep_from * config.hop_length)
        total = self._samples_read
        self._check_length(total)
        self.duration_seconds = total / config.sample_rate
        frames = frame_count(total, config)
        if start == 0 or start - hop + width < frames:
            last = max(0, frames - width)
            yield self._window(last, width, self._held_audio(), pending, shifts)

    def _kept(self, blocks: Iterator[np.ndarray], from_sample: int) -> Iterator[np.ndarray]:
        """``blocks`` from sample ``from_sample`` on, each also kept for the windows' own
        samples; the samples before are dropped as they come. Once exhausted,
        ``_samples_read`` is the length of the whole signal."""
        read = 0
        for block in blocks:
            read += len(block)
            if read > from_sample:
                block = block[max(0, len(block) - (read - from_sample)) :]
                self._audio.append(block)
                yield block
        self._samples_read = read

    def _held_audio(self) -> np.ndarray:
        """The samples kept, from ``_audio_from`` on, as one array."""
        if len(self._audio) != 1:
            self._audio = [np.concatenate(self._audio) if self._audio else _no_samples()]
        return self._audio[0]

    def _drop_audio_before(self, sample: int) -> None:
        """Keep only the samples from ``sample`` on, in an array of their own, so that the
        minutes before them are freed."""
        audio = self._held_audio()
        self._audio = [audio[max(0, sample - self._audio_from) :].copy()]
        self._audio_from = max(self._audio_from, sample)

    def _window(
        self,
        start: int,
        width: int,
        audio: np.ndarray,
        pending: list[Peaks],
        shifts: list[int],
    ) -> RecordingWindow:
        """The window of ``width`` frames from frame ``start``: its samples cut from
        ``audio`` (which starts at sample ``_audio_from``), its analysis from the peaks of
        each phase that fall in it, renumbered from its first frame."""
        config = self._config
        first = start * config.hop_length - self._audio_from
        samples = audio[first : first + (width - 1) * config.hop_length + config.n_fft]
        constellations = [
            _between(peaks, start, start + frame_count(len(samples) - shift, config))
            for peaks, shift in zip(pending, shifts)
        ]
        decoded = DecodedAudio(samples, config.sample_rate, complete=True)
        analysis = query_analysis(constellations, decoded.duration_seconds, True, config)
        return RecordingWindow(config.frames_to_seconds(start), Query(decoded, analysis))

    def _check_length(self, total_samples: int) -> None:
        config = self._config
        seconds = total_samples / config.sample_rate
        _limit(config).check_complete(self._reader)
        if seconds < config.min_query_seconds:
            raise TooShort(
                f"the recording is {seconds:.1f} s long; "
                f"at least {config.min_query_seconds:g} s is needed"
            )


def open_recording(source: AudioInput, config: EngineConfig) -> WindowedRecording:
    """Open ``source`` for a timeline, refusing by its header a recording that declares more
    than ``config.max_timeline_seconds``; nothing is decoded yet."""
    return WindowedRecording(open_within(source, config, _limit(config)), config)


def _limit(config: EngineConfig) -> Limit:
    return Limit(config.max_timeline_seconds, "timeline limit")


def _no_samples() -> np.ndarray:
    return np.zeros(0, np.float32)


def _no_peaks() -> Peaks:
    return Peaks(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32))


def _from_frame(peaks: Peaks, frame: int) -> Peaks:
    keep = peaks.frames >= frame
    return Peaks(peaks.frames[keep], peaks.bins[keep], peaks.levels[keep])


def _moved(peaks: Peaks, frames: int) -> Peaks:
    """``peaks`` numbered ``frames`` later."""
    return Peaks(peaks.frames + np.int32(frames), peaks.bins, peaks.levels)


def _between(peaks: Peaks, start: int, stop: int) -> Peaks:
    """The peaks in frames [start, stop), numbered from ``start``."""
    keep = (peaks.frames >= start) & (peaks.frames < stop)
    return Peaks(peaks.frames[keep] - np.int32(start), peaks.bins[keep], peaks.levels[keep])
