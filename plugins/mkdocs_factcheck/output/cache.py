"""An optional on-disk cache of rendered Markdown, so CI builds reuse unchanged claims.

Takes the rendered fragments of a build and gives them back to the next one. One
JSON file, valid only for the same plugin version and the same Markdown and
sanitising code (a hash of ``markup.py``
and the Markdown engine's version); anything else starts empty. Templates
are not cached, so a template or option change can never be served stale.
Entries are sanitised again when loaded: a tampered cache cannot add active
content. Keep the folder out of the repository all the same (README).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from . import markup
from .render import ClaimHtml

CACHE_FILE = "markdown.json"


def cache_key() -> str:
    code = Path(markup.__file__).read_bytes()
    return f"{__version__}:{markup.ENGINE_VERSION}:{hashlib.sha256(code).hexdigest()[:16]}"


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
    folder.mkdir(parents=True, exist_ok=True)
    data = {"key": cache_key(), "entries": {
        fingerprint: [str(h.summary), str(h.analysis), [str(q) for q in h.quotes], h.summary_text]
        for fingerprint, h in entries.items()}}
    # Write then rename, so an interrupted build never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".markdown-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, folder / CACHE_FILE)
