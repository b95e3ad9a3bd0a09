"""Claim files' parse results kept on disk between builds: a warm build (CI restoring the
cache folder) reads no unchanged file's YAML again.

One JSON file: a key (the plugin's version, the claims code, the pydantic and PyYAML
versions, the rating scale and the size limit: anything else starts empty) and, for each
valid file by its path and the SHA-256 of its bytes, the claim's data with where its fields
sit (``loader.FileResult``). Files with errors are not kept: they are parsed again, so their
messages are always made by this code. An entry is validated again as it is read, as a claim
file is (a damaged or tampered one is parsed from the file instead), so the cache can hold no
value a claim file could not; like the page bodies beside it, whoever can write the folder
can change what the site says (README, "Caching").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..base import jsonfile
from ..base.versions import installed
from .scale import RatingScale

FILE = "parsed.json"
MAX_FILE_BYTES = 2 << 30  # past any real corpus: a larger file is not read
Entries = dict[str, Any]  # "<path>\x00<sha256>" -> a FileResult's JSON form


def entry_key(shown: str, digest: str) -> str:
    return f"{shown}\x00{digest}"


def cache_key(scale: RatingScale, max_bytes: int) -> str:
    """Changes with anything a parse result depends on besides the file's bytes."""
    scale_json = json.dumps([rating.model_dump(mode="json") for rating in scale], sort_keys=True)
    return hashlib.sha256(f"{_code_key()}\x00{scale_json}\x00{max_bytes}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_key() -> str:
    digest = hashlib.sha256(__version__.encode())
    for library in ("pydantic", "pydantic-core", "PyYAML"):
        digest.update(f"\x00{library} {installed(library)}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):  # the model, the loader and its checks
        digest.update(f"\x00{path.name}\x00".encode() + path.read_bytes())
    return digest.hexdigest()


def load(path: Path, key: str) -> Entries:
    """The entries of the file at ``path`` made under ``key``; none when it is missing,
    damaged, made under another key, or not a plain file (never read through a link)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return {}
        with os.fdopen(os.dup(fd), "rb") as file:
            data = json.loads(file.read())
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    files = data.get("files") if isinstance(data, dict) and data.get("key") == key else None
    return files if isinstance(files, dict) else {}


def save(path: Path, key: str, entries: Entries) -> None:
    """Write ``entries`` under ``key`` (then rename: an interrupted build leaves the old file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".parsed-", suffix=".json")
    except OSError:
        return  # a read-only checkout builds as ever, parsing every file
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            jsonfile.write_entries(out, {"key": key}, "files", entries)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
