"""The installed version of a library, for the keys of what a build keeps for the next (a
kept card, body or parse is used only by the same libraries)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed(library: str, missing: str = "none") -> str:
    """``library``'s installed version, or ``missing`` when it is not installed."""
    try:
        return version(library)
    except PackageNotFoundError:
        return missing
