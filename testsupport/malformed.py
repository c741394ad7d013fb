"""A corpus of malformed uploads: bodies no honest browser or curl sends, and well-formed forms
carrying audio that is not usable. Generated from a seed, so every run sends the same ones."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .codecs import write_audio
from .hostile import wav_bytes
from .music import SAMPLE_RATE, synth_song

BOUNDARY = "kazoomFuzzBoundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
FORMATS = [".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".webm"]
#: Just past Django's DATA_UPLOAD_MAX_MEMORY_SIZE, and a little under it.
FIELD_SIZES = [2_621_440 - 1_000, 2_621_441, 3_000_000]


@dataclass(frozen=True)
class Upload:
    name: str
    body: bytes
    content_type: str = MULTIPART
    headers: dict[str, str] = field(default_factory=dict)


def part(headers: list[str], payload: bytes) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers).encode("utf-8", "surrogateescape")
    return f"--{BOUNDARY}\r\n".encode() + head + b"\r\n" + payload + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def audio_part(payload: bytes, filename: str = "clip.wav") -> bytes:
    disposition = f'Content-Disposition: form-data; name="audio"; filename="{filename}"'
    return part([disposition, "Content-Type: application/octet-stream"], payload)


def field_part(name: str, value: bytes) -> bytes:
    return part([f'Content-Disposition: form-data; name="{name}"'], value)


def malformed_uploads(folder: Path, seed: int = 0) -> Iterator[Upload]:
    """Every upload of the corpus; ``folder`` receives the encoded songs it damages."""
    rng = random.Random(seed)
    songs = {s: write_audio(folder / f"s{s}", synth_song(9, 2.0), SAMPLE_RATE) for s in FORMATS}
    encoded = {s: path.read_bytes() for s, path in songs.items()}
    yield from _broken_forms(encoded[".wav"], rng)
    yield from _unusable_audio(encoded, rng)


def _broken_forms(wav: bytes, rng: random.Random) -> Iterator[Upload]:
    yield from _named_in_the_issue(wav)
    for length in [100, 250, 255, 256, 300, 900, 1000, 5000, 100_000]:
        for payload, size in [(wav, "small"), (wav + bytes(3_000_000), "3 MB")]:
            long = "a" * length
            yield Upload(f"{length}-char filename, {size}", multipart(audio_part(payload, long)))
            yield Upload(
                f"{length}-char extension, {size}", multipart(audio_part(payload, f"a.{long}"))
            )
    for count in [99, 100, 150]:
        files = [audio_part(wav) for _ in range(count)]
        yield Upload(f"{count} files", multipart(*files))
    for count in [999, 1000, 1001, 1500]:
        fields = [field_part(f"f{i}", b"x") for i in range(count)]
        yield Upload(f"{count} fields", multipart(audio_part(wav), *fields))
    for field_bytes in FIELD_SIZES:
        text = field_part("t", b"x" * field_bytes)
        yield Upload(f"{field_bytes}-byte text field", multipart(text))
    whole = multipart(field_part("source", b"upload"), audio_part(wav))
    for cut in sorted(rng.sample(range(1, len(whole)), 60)):
        yield Upload(f"form cut at byte {cut}", whole[:cut])
    for i in range(60):
        yield Upload(f"random body {i}", rng.randbytes(rng.randrange(1, 5000)))
    yield from _odd_headers(wav, rng)
    yield from _other_content_types(wav)


def _named_in_the_issue(wav: bytes) -> Iterator[Upload]:
    yield Upload("100 kB filename", multipart(audio_part(wav, "a" * 100_000 + ".wav")))
    yield Upload("no boundary", multipart(audio_part(wav)), "multipart/form-data")
    yield Upload("part without Content-Disposition", multipart(part(["Content-Type: x"], wav)))
    yield Upload("101 files", multipart(*[audio_part(wav) for _ in range(101)]))
    yield Upload("1,001 fields", multipart(*[field_part(f"f{i}", b"1") for i in range(1001)]))
    yield Upload("3 MB text field", multipart(field_part("t", b"x" * 3_000_000), audio_part(wav)))
    yield Upload("chunked", multipart(audio_part(wav)), headers={"transfer-encoding": "chunked"})


def _odd_headers(wav: bytes, rng: random.Random) -> Iterator[Upload]:
    odd = [
        'Content-Disposition: form-data; name="audio"; filename="\udcff\udcfe.wav"',
        "Content-Disposition: form-data; name*=UTF-8''audio; filename*=UTF-8''%FF%FE",
        'Content-Disposition: form-data; name="audio"; filename="../../etc/passwd"',
        'Content-Disposition: form-data; name="audio"; filename="/tmp/x.wav"',
        'Content-Disposition: form-data; name="audio"; filename="C:\\\\x\\\\y.wav"',
        'Content-Disposition: form-data; name="audio"; filename=""',
        'Content-Disposition: form-data; name="audio"; filename',
        'Content-Disposition: form-data; name=""; filename="a.wav"',
        "Content-Disposition: form-data",
        "Content-Disposition: attachment; filename=a.wav",
        "Content-Disposition: ;;;;",
        'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\nContent-Type: ',
        'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
        "Content-Type: multipart/mixed; boundary=inner",
        'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\nX: ' + "y" * 2000,
    ]
    for i, header in enumerate(odd):
        yield Upload(f"odd part header {i}: {header[:60]!r}", multipart(part([header], wav)))
    for i in range(30):
        noise = "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(1, 200)))
        yield Upload(f"random part header {i}", multipart(part([noise], wav)))


def _other_content_types(wav: bytes) -> Iterator[Upload]:
    body = multipart(audio_part(wav))
    for content_type in [
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "b" * 5000,
        "multipart/form-data; boundary=other",
        'multipart/form-data; boundary="unterminated',
        "multipart/form-data; charset=nonsense; boundary=" + BOUNDARY,
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "audio/wav",
        "",
    ]:
        yield Upload(f"content type {content_type[:40]!r}", body, content_type)
    yield Upload("bare WAV as the body", wav, "audio/wav")
    yield Upload("empty body", b"")
    yield Upload(
        "urlencoded garbage", b"%%%&&&==\xff\xfe" * 100, "application/x-www-form-urlencoded"
    )


def _unusable_audio(encoded: dict[str, bytes], rng: random.Random) -> Iterator[Upload]:
    for i in range(250):
        yield Upload(
            f"random audio {i}", multipart(audio_part(rng.randbytes(rng.randrange(1, 4096))))
        )
    for suffix, whole in encoded.items():
        for cut in sorted(rng.sample(range(1, len(whole)), 25)):
            yield Upload(f"{suffix} cut at {cut}", multipart(audio_part(whole[:cut])))
        for i in range(25):
            damaged = bytearray(whole)
            for _ in range(rng.randrange(1, 9)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            yield Upload(f"{suffix} damaged {i}", multipart(audio_part(bytes(damaged))))
    for i in range(250):
        header = wav_bytes(
            format_tag=rng.choice([1, 3, 0, 0xFFFF, rng.randrange(0x10000)]),
            channels=rng.choice([0, 1, 2, 1000, rng.randrange(0x10000)]),
            rate=rng.choice([0, 1, 3999, 8000, 44100, 384_001, rng.randrange(1 << 32)]),
            bits=rng.choice([0, 8, 16, 24, 32, 64, rng.randrange(0x10000)]),
            data=rng.randbytes(rng.randrange(0, 4096)),
            declared_data_bytes=rng.choice([None, 0, 0xFFFFFFFF, rng.randrange(1 << 32)]),
        )
        yield Upload(f"absurd WAV header {i}", multipart(audio_part(header)))
