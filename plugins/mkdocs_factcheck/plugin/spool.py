"""What a build makes early and MkDocs uses late, kept small in the meantime.

Site files (feed, exports, assets) are kept on disk, not in memory, until MkDocs copies them.

The JSON export alone is about 5 MiB a thousand claims. Given to MkDocs as a string, it
would be held in the build's file list until the build ends; written to a private
temporary folder, it is a ``File`` with a real source path that MkDocs copies into the
site byte for byte, and that other plugins can still list and read.

Generated pages' HTML is kept compressed between MkDocs reading every page (all of them
first) and building each one: a claim page's HTML compresses about fivefold.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..plan.siteplan import pack, unpack


class Spool:
    """A private temporary folder, made on first use; ``remove`` deletes it."""

    def __init__(self) -> None:
        self._root: Path | None = None

    def write(self, src_uri: str, content: str) -> Path:
        """The file at ``src_uri`` in the folder, holding ``content`` as UTF-8 (as MkDocs writes a
        generated file's text)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="factcheck-files-"))
        path = self._root / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
        return path

    def remove(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


class Packed:
    """Texts by key, held compressed (zlib's fastest level) until taken back, once each."""

    def __init__(self) -> None:
        self._texts: dict[str, bytes] = {}

    def put(self, key: str, text: str, packed: bytes | None = None) -> None:
        """Hold ``text``; ``packed``: the text already packed (by the worker that rendered it)."""
        self._texts[key] = pack(text) if packed is None else packed

    def take(self, key: str) -> str | None:
        """The text put under ``key`` (None if there is none), no longer held here."""
        packed = self._texts.pop(key, None)
        return None if packed is None else unpack(packed)
