"""Writing test audio in the formats people bring: WAV, FLAC, Ogg, Opus, MP3, M4A, WebM."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import soundfile as sf
import soxr

#: suffix → (libsndfile format, subtype) for what libsndfile writes itself.
_SNDFILE = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".opus": ("OGG", "OPUS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
}
#: suffix → (container, codec) for what needs FFmpeg (through PyAV).
_FFMPEG = {".m4a": ("mp4", "aac"), ".webm": ("webm", "libopus")}
#: libsndfile takes no bitrate, only a coarse quality: with a bitrate, these go through FFmpeg.
_FFMPEG_FOR_BITRATE = {".mp3": ("mp3", "libmp3lame")}
#: Opus only runs at these rates.
_OPUS_RATE = 48000


def write_audio(
    path: Path, samples: np.ndarray, sample_rate: int, *, bitrate: int | None = None
) -> Path:
    """Encode mono or (n, channels) float ``samples`` to ``path``; the suffix picks the codec.

    ``bitrate`` is in bits per second; without it each codec uses its default.
    """
    suffix = path.suffix.lower()
    if suffix in (".opus", ".webm") and sample_rate != _OPUS_RATE:
        samples = soxr.resample(samples, sample_rate, _OPUS_RATE)
        sample_rate = _OPUS_RATE
    if suffix in _SNDFILE and not (bitrate and suffix in _FFMPEG_FOR_BITRATE):
        fmt, subtype = _SNDFILE[suffix]
        sf.write(path, samples, sample_rate, format=fmt, subtype=subtype)
    else:
        _write_ffmpeg(path, samples, sample_rate, bitrate)
    return path


def _write_ffmpeg(path: Path, samples: np.ndarray, sample_rate: int, bitrate: int | None) -> None:
    container_format, codec = {**_FFMPEG, **_FFMPEG_FOR_BITRATE}[path.suffix.lower()]
    planar = np.atleast_2d(samples.T if samples.ndim == 2 else samples).astype(np.float32)
    layout = "mono" if len(planar) == 1 else "stereo"
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=sample_rate, layout=layout)
        assert isinstance(stream, av.AudioStream)
        if bitrate:
            stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(planar), format="fltp", layout=layout
        )
        frame.sample_rate = sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
