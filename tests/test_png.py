"""The banded PNG encoder of share cards (base/png.py): any image like its base, decoded by
Pillow and by zlib (which checks the stream's Adler-32) to exactly its pixels and palette."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from mkdocs_factcheck.base import png
from PIL import Image

PALETTE = bytes(random.Random(1).randrange(256) for _ in range(768))


def _image(rng: random.Random, width: int, height: int, base: bytes | None = None, bands: int = 3) -> bytes:
    """A base-like picture: flat paper with a few runs of ink, or ``base`` with ``bands`` bands redrawn."""
    if base is None:
        pixels = bytearray([200]) * (width * height)
        for _ in range(height // 4 + 1):
            start = rng.randrange(width * height)
            pixels[start:start + rng.randrange(1, 3 * width)] = bytes([rng.randrange(256)]) * 3 * width
        return bytes(pixels[: width * height])
    pixels = bytearray(base)
    step = width * png.BAND_ROWS
    for _ in range(bands):
        start, stride = rng.randrange(0, len(pixels), step), rng.randrange(1, 9)
        count = len(range(start, min(start + step, len(pixels)), stride))
        pixels[start:start + step:stride] = rng.randbytes(count)
    return bytes(pixels)


def _idat(data: bytes) -> bytes:
    """The concatenated IDAT data of a PNG, chunk by chunk, each chunk's CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, found = 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        found += body if kind == b"IDAT" else b""
        at += 12 + length
    return found


@pytest.mark.parametrize(("width", "height"), [(1200, 630), (7, 37), (1, 1), (33, 16), (50, 17)])
def test_any_image_like_the_base_decodes_to_its_pixels(width: int, height: int) -> None:
    rng = random.Random(width * 1000 + height)
    base = _image(rng, width, height)
    encoder = png.BandedEncoder(base, width, height)
    for changed in (0, 1, 3, height):  # the base itself, a band or three redrawn, every band
        pixels = base if changed == 0 else _image(rng, width, height, base, changed)
        data = encoder.encode(pixels, PALETTE)
        image = Image.open(io.BytesIO(data))
        image.load()
        assert (image.mode, image.size) == ("P", (width, height))
        assert image.tobytes() == pixels
        assert bytes(image.getpalette() or []) == PALETTE
        rows = zlib.decompress(_idat(data))  # raises on a wrong Adler-32
        assert rows == b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))


def test_unchanged_bands_are_the_bases_compressed_bytes() -> None:
    """What makes it fast: a card that left a band as its frame had it reuses the frame's bytes."""
    rng = random.Random(3)
    base = _image(rng, 120, 160)
    encoder = png.BandedEncoder(base, 120, 160)
    same = _idat(encoder.encode(base, PALETTE))
    redrawn = bytearray(base)
    redrawn[-1] ^= 0xFF  # one pixel of the last band
    other = _idat(encoder.encode(bytes(redrawn), PALETTE))
    first_bands = b"".join(band.deflated for band in encoder._bands[:-1])
    assert same.startswith(b"\x78\x01" + first_bands) and other.startswith(b"\x78\x01" + first_bands)
    assert same != other


@pytest.mark.parametrize("lengths", [(0, 0), (0, 5), (5, 0), (1, 1), (70_000, 3), (3, 200_000), (65_521, 65_521)])
def test_checksums_join_as_zlib_computes_the_whole(lengths: tuple[int, int]) -> None:
    rng = random.Random(sum(lengths))
    first, second = (bytes(rng.choice(b"\x00\xff\x7f\x01") for _ in range(n)) for n in lengths)
    assert png._adler_joined(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)


def test_an_image_of_another_size_is_refused() -> None:
    with pytest.raises(ValueError, match="not a 4 x 4 image"):
        png.BandedEncoder(bytes(15), 4, 4)
    encoder = png.BandedEncoder(bytes(16), 4, 4)
    with pytest.raises(ValueError, match="17 bytes is not a 4 x 4 image"):
        encoder.encode(bytes(17), PALETTE)
