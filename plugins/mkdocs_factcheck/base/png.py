"""Palette PNGs of images that share most of their rows with a base image: share cards.

Every share card of a verdict is its frame (accent bar, kicker, caption, badge) with a claim and
a byline drawn on a copy, and compressing its 756,000 pixels was most of a card's time (issue 27).
The pixels go into the PNG in bands of rows, each compressed on its own (deflate's history reset
at each band, so bands join as they are): a band the card left as the frame had it is the frame's,
compressed once per process; only the bands with the card's own text are compressed per card.
The zlib checksum of the whole is put together from the bands' checksums.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

BAND_ROWS = 16
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, fastest level (the level is informational)
_LAST_BLOCK = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty final deflate block
_ADLER_MOD = 65521
_FILTER_NONE = b"\x00"  # each row's filter type: palette images gain nothing from the others


@dataclass(frozen=True)
class _Band:
    pixels: bytes  # the band's rows as the image has them (one byte a pixel)
    deflated: bytes  # the rows, each after its filter byte, as deflate blocks ending byte-aligned
    adler: int  # zlib's Adler-32 of those filtered rows
    length: int  # how many bytes that is


def _band(pixels: bytes, width: int) -> _Band:
    rows = b"".join(_FILTER_NONE + pixels[start:start + width] for start in range(0, len(pixels), width))
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15, 8, zlib.Z_RLE)  # measured: the fastest, and smaller
    deflated = compressor.compress(rows) + compressor.flush(zlib.Z_FULL_FLUSH)
    return _Band(pixels, deflated, zlib.adler32(rows), len(rows))


def _adler_joined(first: int, second: int, second_length: int) -> int:
    """Adler-32 of two byte strings one after the other, from each one's Adler-32 and the second's
    length. Adler-32 is (B << 16) | A with A = 1 + the bytes' sum, B = the sum of A after each byte
    (mod 65521); over the second part every A is the second's own plus the first's A - 1."""
    a_first, b_first = first & 0xFFFF, first >> 16
    a_second, b_second = second & 0xFFFF, second >> 16
    a = (a_first + a_second - 1) % _ADLER_MOD
    b = (b_first + b_second + second_length * (a_first - 1)) % _ADLER_MOD
    return (b << 16) | a


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


class BandedEncoder:
    """PNGs of ``width`` x ``height`` one-byte-a-pixel (palette index) images like ``base``."""

    def __init__(self, base: bytes, width: int, height: int) -> None:
        if len(base) != width * height:
            raise ValueError(f"{len(base)} bytes is not a {width} x {height} image")
        self.width, self.height = width, height
        step = width * BAND_ROWS
        self._bands = [_band(base[start:start + step], width) for start in range(0, len(base), step)]
        self._header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))

    def encode(self, pixels: bytes, palette: bytes) -> bytes:
        """The PNG of ``pixels`` (palette indices, row by row) with ``palette`` (RGB triples)."""
        if len(pixels) != self.width * self.height:
            raise ValueError(f"{len(pixels)} bytes is not a {self.width} x {self.height} image")
        step = self.width * BAND_ROWS
        parts = [_ZLIB_HEADER]
        adler = 1  # of no bytes
        for number, base in enumerate(self._bands):
            start = number * step
            mine = pixels[start:start + step]
            band = base if mine == base.pixels else _band(mine, self.width)
            parts.append(band.deflated)
            adler = _adler_joined(adler, band.adler, band.length)
        parts += [_LAST_BLOCK, struct.pack(">I", adler)]
        return b"".join([_SIGNATURE, self._header, _chunk(b"PLTE", palette), _chunk(b"IDAT", b"".join(parts)),
                         _chunk(b"IEND", b"")])
