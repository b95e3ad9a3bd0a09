"""The ledger of files ``factcheck generate`` wrote into docs_dir: read by the generator
(which may replace or remove only its own files) and by the plugin (which builds those
files afresh instead of publishing the generator's copies).

Each line names a file with the SHA-256 of what was written, so a file counts as the
generator's own only while it still holds exactly that.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MANIFEST = ".factcheck-generated"
MANIFEST_HEADER = ("# Written by `factcheck generate`: the files it wrote in this folder, each with the\n"
                   "# SHA-256 of what it wrote (a file whose content differs is not its own). Do not edit.\n")


def owned_files(docs_dir: Path) -> set[str]:
    """The paths in docs_dir that an earlier ``factcheck generate`` wrote and that still hold
    exactly what it wrote (so it may replace or remove them, and the plugin make them afresh).
    The list names each file with the SHA-256 of its content: a line without one (a hand-made
    list, or one written before issue 21), or a file changed since, is not ours."""
    try:
        lines = (docs_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    owned = set()
    for line in lines:
        digest, _, path = line.partition("  ")
        # Only plain relative paths: a tampered list cannot point outside docs_dir.
        if not _DIGEST.fullmatch(digest) or not path or path.startswith("/") or ".." in path.split("/"):
            continue
        target = docs_dir / path
        try:
            if target.is_file() and not target.is_symlink() and digest_of(target.read_bytes()) == digest:
                owned.add(path)
        except OSError:
            continue
    return owned


_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_manifest(docs_dir: Path, digests: dict[str, str]) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(digests.items()))
    (docs_dir / MANIFEST).write_text(MANIFEST_HEADER + lines, encoding="utf-8")
