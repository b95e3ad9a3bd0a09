"""What one build made, kept on disk for the next: rendered Markdown and page bodies.

**Markdown** (only with ``cache_dir``): one JSON file, valid only for the same plugin
version and the same Markdown and sanitising code (a hash of ``markup.py`` and the
Markdown engine's version); anything else starts empty. Entries are sanitised again when
loaded: a tampered cache cannot add active content.

**Page bodies** (on by default, beside the share cards): each generated page's HTML,
zlib-compressed, under a key made from everything the page is made of (``plan.siteplan``:
its inputs, the templates, the settings, the URL and ``code_key``). One file: a header,
the bodies, then an index (key, offset, length, CRC-32 of each body) with its SHA-256 and
a trailer, so a truncated or damaged file is ignored whole and a damaged body is rendered
again, never shown. A build writes the bodies it used into a new file (unchanged pages
copied from the old one), so pages that are gone go with it; a build that changed nothing
leaves the file as it is. A body is HTML as the site shows it: whoever can write the
folder can change the site, as with the cards (README, "Caching"): keep the folder out of
the repository and restore it only in the deploying branch's own jobs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import struct
import sys
import tempfile
import time
import zlib
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..base import jsonfile
from ..base.versions import installed
from . import markup
from .render import ClaimHtml

CACHE_FILE = "markdown.json"
BODIES_FILE = "bodies.pack"
# Libraries whose behaviour shows in a page body (templates, escaping, dates, Markdown, sanitising).
BODY_LIBRARIES = ("jinja2", "markupsafe", "babel", "cmarkgfm", "nh3")


def cache_key() -> str:
    code = Path(markup.__file__).read_bytes()
    return f"{__version__}:{markup.ENGINE_VERSION}:{hashlib.sha256(code).hexdigest()[:16]}"


@lru_cache(maxsize=1)
def code_key() -> str:
    """The plugin's version and code (every module of the package) and the versions of the
    libraries a page body goes through: a body made by other code is never reused."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{__version__}\x00{sys.version_info[:2]}".encode())
    for library in BODY_LIBRARIES:
        digest.update(f"\x00{library} {installed(library)}".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(f"\x00{path.relative_to(package).as_posix()}\x00".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load(folder: Path) -> dict[str, ClaimHtml]:
    try:
        data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != cache_key():
        return {}
    entries: dict[str, ClaimHtml] = {}
    for fingerprint, entry in dict(data.get("entries", {})).items():
        try:
            summary, analysis, quotes, text = entry
            entries[str(fingerprint)] = ClaimHtml(
                Markup(markup.sanitize(summary)), Markup(markup.sanitize(analysis)),
                tuple(Markup(markup.sanitize(q)) for q in quotes), str(text))
        except (TypeError, ValueError):
            continue  # a damaged entry is rendered again
    return entries


def save(folder: Path, entries: dict[str, ClaimHtml]) -> None:
    """Keep ``entries`` in the folder; one that cannot take them (read-only) costs only time."""
    # Markup is a str: written as it is, one claim at a time (no copy of them all).
    kept = {fingerprint: [h.summary, h.analysis, h.quotes, h.summary_text] for fingerprint, h in entries.items()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so an interrupted build never leaves half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".markdown-", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            jsonfile.write_entries(out, {"key": cache_key()}, "entries", kept)
        os.replace(temporary, folder / CACHE_FILE)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# --- page bodies ------------------------------------------------------------------------

MAGIC = b"factcheck-body-1"  # 16 bytes: the format, at the start and the end of the file
_ENTRY = struct.Struct("<32sQII")  # key (SHA-256), offset, length, CRC-32 of the compressed body
_TRAILER = struct.Struct("<QI32s16s")  # index offset, entries, SHA-256 of the index, MAGIC
MAX_BODY = 256 << 20  # no page body is this large: a length past it is damage


class BodyStore:
    """The page bodies of the last build (read as pages ask for them) and those of this one
    (written as they come, into a new file that ``save`` puts in place of the old)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._old: dict[bytes, tuple[int, int, int]] = {}  # key -> (offset, length, crc) in the old file
        self._old_fd = -1
        self._new: dict[bytes, tuple[int, int, int]] = {}  # key -> the same in the new file (-1: still in the old)
        self._new_fd = -1
        self._temporary = ""
        self._end = 0  # where the new file's next body goes
        self._owner = os.getpid()  # worker processes read, only this one writes
        self._closed = False  # saved or discarded: this build's bodies are settled
        self.reused = 0  # bodies this build took from the old file
        self.rendered = 0  # bodies this build rendered
        self._open()

    def _open(self) -> None:
        try:
            # Not through a link, and never waiting on a planted pipe (_read_index refuses it).
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return  # none yet (or not a file we read): every body is rendered
        try:
            self._old = _read_index(fd)
        except (OSError, ValueError, struct.error):
            self._old = {}  # truncated or damaged: ignored whole, rewritten by save
        if self._old:
            self._old_fd = fd
        else:
            os.close(fd)

    def __len__(self) -> int:
        """How many bodies the last build kept (that this one can read)."""
        return len(self._old)

    def get(self, key: str) -> bytes | None:
        """The compressed body kept under ``key``, if the last build kept one and it is intact."""
        found = self._old.get(bytes.fromhex(key))
        if found is None:
            return None
        offset, length, crc = found
        try:
            data = os.pread(self._old_fd, length, offset)
        except OSError:
            return None
        return data if len(data) == length and zlib.crc32(data) == crc else None

    def put(self, key: str, packed: bytes, *, reused: bool = False, counted: bool = True) -> None:
        """Keep the body ``packed`` under ``key`` for the next build (``reused``: ``get`` gave it;
        ``counted``: in ``reused`` or ``rendered``, which count bodies, not what goes with them)."""
        raw = bytes.fromhex(key)
        if os.getpid() != self._owner or self._closed or raw in self._new:
            return
        if reused and raw in self._old:
            self.reused += counted
            self._new[raw] = (-1, 0, 0)  # copied from the old file when saved, if it is rewritten
            return
        self.rendered += counted
        try:
            self._new[raw] = self._append(packed)
        except OSError:
            self._new.pop(raw, None)  # a cache that cannot be written only costs time

    def save(self) -> None:
        """Put this build's bodies in place of the last build's (nothing to do when they are
        the same). Never raises: a cache that cannot be written only costs time."""
        try:
            if self._new_fd >= 0 or set(self._new) != set(self._old):
                self._write_new()
            _sweep(self.path.parent)
        except OSError:
            pass
        finally:
            self.discard()

    def discard(self) -> None:
        """Let go of both files; this build's bodies are not kept (nor any put after this)."""
        self._closed = True
        for fd in (self._old_fd, self._new_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._old_fd = self._new_fd = -1
        if self._temporary:
            with contextlib.suppress(OSError):
                os.unlink(self._temporary)
            self._temporary = ""

    def _start_new(self) -> None:
        if self._new_fd < 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A random name (never a planted file or link written through), renamed into place.
            self._new_fd, self._temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".bodies-")
            self._end = _write(self._new_fd, MAGIC, 0)

    def _append(self, data: bytes) -> tuple[int, int, int]:
        self._start_new()
        offset = self._end
        self._end = _write(self._new_fd, data, offset)
        return offset, len(data), zlib.crc32(data)

    def _write_new(self) -> None:
        for raw, (offset, _, _) in list(self._new.items()):
            if offset < 0:  # reused: its bytes are in the old file
                old_offset, length, crc = self._old[raw]
                data = os.pread(self._old_fd, length, old_offset)
                if len(data) != length or zlib.crc32(data) != crc:
                    del self._new[raw]
                    continue
                self._new[raw] = self._append(data)
        self._start_new()  # even with no page left: an empty file replaces the old
        index = b"".join(_ENTRY.pack(raw, *entry) for raw, entry in self._new.items())
        start = self._end
        self._end = _write(self._new_fd, index, start)
        _write(self._new_fd, _TRAILER.pack(start, len(self._new), hashlib.sha256(index).digest(), MAGIC), self._end)
        os.close(self._new_fd)
        self._new_fd = -1
        os.replace(self._temporary, self.path)
        self._temporary = ""


STALE_SECONDS = 3600  # a new bodies file older than this was left by a build that was killed


def _sweep(folder: Path) -> None:
    """Remove the new files of killed builds (never one a build still running is writing)."""
    for path in folder.glob(".bodies-*"):
        with contextlib.suppress(OSError):
            if time.time() - path.lstat().st_mtime > STALE_SECONDS:
                path.unlink()


def _write(fd: int, data: bytes, offset: int) -> int:
    """``data`` written at ``offset`` (positioned writes: no file offset shared with forked
    processes); the offset after it."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written
    return offset


def _read_index(fd: int) -> dict[bytes, tuple[int, int, int]]:
    """The index of a bodies file; ValueError for a file that is not one, whole."""
    status = os.fstat(fd)
    size = status.st_size
    if not stat.S_ISREG(status.st_mode) or size < len(MAGIC) + _TRAILER.size or os.pread(fd, len(MAGIC), 0) != MAGIC:
        raise ValueError("not a bodies file")
    start, count, digest, magic = _TRAILER.unpack(os.pread(fd, _TRAILER.size, size - _TRAILER.size))
    if magic != MAGIC or start + count * _ENTRY.size + _TRAILER.size != size or start < len(MAGIC):
        raise ValueError("truncated")
    index = os.pread(fd, count * _ENTRY.size, start)
    if len(index) != count * _ENTRY.size or hashlib.sha256(index).digest() != digest:
        raise ValueError("damaged index")
    entries = {}
    for raw, offset, length, crc in _ENTRY.iter_unpack(index):
        if offset < len(MAGIC) or offset + length > start or length > MAX_BODY:
            raise ValueError("an entry outside the file")
        entries[raw] = (offset, length, crc)
    return entries
