"""The line ``factcheck init`` puts in the pages a desk must still write, and how the
build and ``factcheck generate`` report a page that still holds it."""

from __future__ import annotations

from pathlib import Path

# A marker a desk deletes once the page is written; the plugin and `generate` report pages holding it.
TO_WRITE = "<!-- factcheck:to-write -->"


def unwritten(docs_dir: Path, skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Hand-written pages of ``docs_dir`` (by path there) that still hold the to-write marker."""
    if not docs_dir.is_dir():
        return []
    found = []
    for path in sorted(docs_dir.rglob("*.md")):
        shown = path.relative_to(docs_dir).as_posix()
        if shown not in skip and TO_WRITE in path.read_text(encoding="utf-8", errors="replace"):
            found.append(shown)
    return found


def unwritten_note(page: str) -> str:
    return (f"still to be written: {page} (it holds the line {TO_WRITE} that `factcheck init` put there); "
            "write the page, then delete that line")
