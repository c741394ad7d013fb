"""Decoding: any common audio file → mono float32 at the analysis rate.

Two decoders, tried in order, both from pip wheels so no system ffmpeg is needed:

* libsndfile (via soundfile) opens and checks WAV, FLAC, Ogg Vorbis, Ogg Opus and MP3, and
  decodes them, except Vorbis, which FFmpeg decodes faster;
* FFmpeg as bundled in PyAV's wheels reads what libsndfile cannot: M4A/AAC, WebM/Opus (what
  browsers record), and other containers.

Both stream the file in blocks of a bounded number of samples and resample with soxr as
they go, so memory grows with the analysis-rate signal only, never with the source's rate or
channel count; ``open_audio`` hands those blocks on one by one, for a caller that need not
hold the whole signal. What a header declares is checked before anything is decoded: a sample
rate outside ``MIN_SOURCE_RATE``–``MAX_SOURCE_RATE`` or an encoding no decoder has is refused.
"""

from __future__ import annotations

import io
import os
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
import soundfile as sf
import soxr

from .errors import EmptyFile, MissingFile, NotAudio, TruncatedAudio, UnsupportedAudio

#: What can be decoded: a path, or a binary file object open for reading.
AudioInput = str | os.PathLike[str] | BinaryIO

#: Source samples (all channels together) decoded per block: 10 s of 48 kHz stereo, so a
#: block's memory stays a few MB whatever rate and channel count a file declares.
_BLOCK_SAMPLES = 10 * 48000 * 2
#: Seconds of mono audio FFmpeg's frames are gathered into before they are resampled.
_BLOCK_SECONDS = 10
#: Source rates accepted (Hz). Below 4 kHz a file holds under half of the analysis band; above
#: 384 kHz no recorder writes, and a header declaring it is damaged or hostile.
MIN_SOURCE_RATE = 4000
MAX_SOURCE_RATE = 384_000
#: A file is called truncated when it decodes to less than this share of the length its header
#: declares (MP3 without a Xing header declares an estimate, hence the slack).
_MIN_DECLARED_SHARE = 0.9
#: libsndfile notes these in its log when a header promises more than the file holds.
_SNDFILE_TRUNCATION_MARKS = ("should be", "lacks an end-of-stream")
#: libsndfile's frame count for a stream that does not declare its length (a FLAC whose
#: STREAMINFO says 0 samples, as a streamed one does).
_SNDFILE_UNKNOWN_FRAMES = 2**63 - 1


@dataclass(frozen=True)
class DecodedAudio:
    """Mono float32 samples at ``sample_rate``; ``complete`` is False when the source went on
    past the ``max_seconds`` that were asked for."""

    samples: np.ndarray
    sample_rate: int
    complete: bool

    @property
    def duration_seconds(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass
class _Stream:
    rate: int
    declared_seconds: float | None
    blocks: Generator[np.ndarray, None, None]


class AudioReader:
    """An opened audio source whose header has been checked, read as mono float32 blocks at
    ``sample_rate``, at most ``max_seconds`` of the source.

    ``declared_seconds`` is the length the container declares, if it does, known before any
    audio is decoded. Once ``blocks()`` is exhausted, ``complete`` says whether the source
    ended within ``max_seconds``.
    """

    def __init__(self, stream: _Stream, sample_rate: int, max_seconds: float | None) -> None:
        self._stream = stream
        self.sample_rate = sample_rate
        self.declared_seconds = stream.declared_seconds
        self._limit = None if max_seconds is None else int(max_seconds * stream.rate)
        self._consumed = 0
        self.complete = True

    def blocks(self) -> Iterator[np.ndarray]:
        """Resampled blocks as the source is decoded; raises ``AudioError`` when the source
        holds no audio or less than it declares."""
        stream, limit = self._stream, self._limit
        resampler = soxr.ResampleStream(
            stream.rate, self.sample_rate, 1, dtype="float32", quality="HQ"
        )
        for block in stream.blocks:
            if limit is not None and self._consumed + len(block) > limit:
                block = block[: limit - self._consumed]
                stream.blocks.close()
                self.complete = False
            self._consumed += len(block)
            yield resampler.resample_chunk(block)
            if not self.complete:
                break
        yield resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        if self._consumed == 0:
            raise NotAudio("the file holds no audio that could be decoded")
        self._check_not_truncated()

    def _check_not_truncated(self) -> None:
        declared = self.declared_seconds
        if not self.complete or declared is None:
            return
        decoded_seconds = self._consumed / self._stream.rate
        if decoded_seconds < _MIN_DECLARED_SHARE * declared:
            raise TruncatedAudio(
                f"the file is cut short: it declares {declared:.1f} s of audio "
                f"but only {decoded_seconds:.1f} s could be decoded"
            )


def open_audio(
    source: AudioInput, *, sample_rate: int, max_seconds: float | None = None
) -> AudioReader:
    """Open ``source`` (a path or a binary file object) and check what its header declares,
    decoding nothing yet.

    Raises a subclass of ``fingerprints.errors.AudioError`` with a plain-words message when the
    file is missing, empty, not audio, or declares a sample rate Kazoom cannot use.
    """
    _check_not_empty(source)
    stream = _open_soundfile(source) or _open_pyav(source)
    if not MIN_SOURCE_RATE <= stream.rate <= MAX_SOURCE_RATE:
        raise UnsupportedAudio(
            f"the file declares a sample rate of {stream.rate:,} Hz; "
            f"{MIN_SOURCE_RATE:,} to {MAX_SOURCE_RATE:,} Hz can be used"
        )
    return AudioReader(stream, sample_rate, max_seconds)


def decode_audio(
    source: AudioInput, *, sample_rate: int, max_seconds: float | None = None
) -> DecodedAudio:
    """Decode ``source`` (a path or a binary file object) to mono float32 at ``sample_rate``.

    At most ``max_seconds`` of the source are decoded. Raises a subclass of
    ``fingerprints.errors.AudioError`` with a plain-words message when the file is missing,
    empty, not audio, in an encoding or at a rate that cannot be used, or cut short.
    """
    reader = open_audio(source, sample_rate=sample_rate, max_seconds=max_seconds)
    samples = np.concatenate(list(reader.blocks()))
    return DecodedAudio(samples, sample_rate, reader.complete)


def _check_not_empty(source: AudioInput) -> None:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise MissingFile(f"no such file: {path}")
        size = path.stat().st_size
    else:
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
    if size == 0:
        raise EmptyFile("the file is empty (0 bytes)")


def _open_soundfile(source: AudioInput) -> _Stream | None:
    _rewind(source)
    try:
        handle = sf.SoundFile(source)
    except sf.LibsndfileError:
        return None
    if any(mark in handle.extra_info for mark in _SNDFILE_TRUNCATION_MARKS):
        handle.close()
        raise TruncatedAudio("the file is cut short: its header promises more audio than it holds")
    unknown_length = handle.frames == _SNDFILE_UNKNOWN_FRAMES
    declared = (
        handle.frames / handle.samplerate if handle.frames > 0 and not unknown_length else None
    )
    if handle.subtype == "VORBIS" or unknown_length:
        # FFmpeg decodes Vorbis faster than libsndfile does (see docs/tuning.md#decoding), and
        # reads to the end a stream that does not declare its length, where libsndfile stops
        # short with an error; libsndfile has still vetted the file.
        handle.close()
        return _Stream(handle.samplerate, declared, _pyav_blocks(_open_container(source)))
    return _Stream(handle.samplerate, declared, _soundfile_blocks(handle))


def _soundfile_blocks(handle: sf.SoundFile) -> Generator[np.ndarray, None, None]:
    with handle:
        blocksize = max(1, _BLOCK_SAMPLES // handle.channels)
        while True:
            try:
                block = handle.read(blocksize, dtype="float32", always_2d=True)
            except sf.LibsndfileError as error:
                raise TruncatedAudio(f"the audio data is damaged or cut short ({error})") from None
            if len(block) == 0:
                return
            yield _average(block.T)


def _open_pyav(source: AudioInput) -> _Stream:
    container = _open_container(source)
    if not container.streams.audio:
        container.close()
        raise NotAudio("the file has no audio stream")
    stream = container.streams.audio[0]
    if stream.codec_context is None or stream.codec_context.channels < 1:
        container.close()
        raise UnsupportedAudio("the file's audio is in an encoding that cannot be decoded")
    declared = container.duration / av.time_base if container.duration else None
    return _Stream(stream.codec_context.sample_rate, declared, _pyav_blocks(container))


def _open_container(source: AudioInput) -> av.container.InputContainer:
    _rewind(source)
    try:
        return av.open(source if not isinstance(source, os.PathLike) else os.fspath(source), "r")
    except (av.error.FFmpegError, UnicodeDecodeError):
        raise NotAudio("not a recognised audio file") from None


def _pyav_blocks(container: av.container.InputContainer) -> Generator[np.ndarray, None, None]:
    """Mono blocks of about ``_BLOCK_SECONDS``. Frames (1–2 k samples for Vorbis) are gathered
    first: resampling them one by one cost more than decoding them. Their planes are read
    directly, since ``to_ndarray`` stacks them first."""
    planar_float = av.AudioResampler(format="fltp")
    pending: list[np.ndarray] = []
    gathered = 0
    with container:
        try:
            for frame in container.decode(audio=0):
                for converted in planar_float.resample(frame):
                    samples = converted.samples
                    channels = [
                        np.frombuffer(memoryview(p), np.float32, samples) for p in converted.planes
                    ]
                    pending.append(_average(channels))
                    gathered += samples
                if gathered >= _BLOCK_SECONDS * frame.sample_rate:
                    yield np.concatenate(pending)
                    pending, gathered = [], 0
        except av.error.FFmpegError as error:
            raise TruncatedAudio(f"the audio data is damaged or cut short ({error})") from None
    if pending:
        yield np.concatenate(pending)


def _average(channels: Sequence[np.ndarray]) -> np.ndarray:
    """The mean of equally long float32 channel signals, as a new contiguous array, added
    channel by channel: ``mean(axis=1)`` over interleaved samples is slow enough to matter
    (see docs/tuning.md#decoding)."""
    mono = channels[0].copy()
    for channel in channels[1:]:
        mono += channel
    if len(channels) > 1:
        mono *= np.float32(1 / len(channels))
    return mono


def _rewind(source: AudioInput) -> None:
    if not isinstance(source, (str, os.PathLike)):
        source.seek(0)
