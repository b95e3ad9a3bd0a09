"""A claims folder in a git checkout in, each claim file's change history out.

History is contributor-written (commit dates, every old version of a file), so it
is read defensively:

- only the first-parent line of the checked-out branch counts: the commits inside a
  merged pull request are not the publisher's history, the merge commit is;
- each version of a file is parsed with the claim loader itself (``verdict_of``),
  never by matching ``verdict:`` lines, and only a valid verdict key counts;
- a commit dated after the build, before the claim's publication, or not a date at
  all is left out (and logged), never trusted and never fatal.

Two git calls per build: one ``git log`` for every version of every claim file and
one ``git cat-file`` for the contents of the files that changed. Outside git (or with
git missing or a shallow clone) it returns what it can, possibly nothing; pages then
fall back to ``updated``.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from .loader import DEFAULT_MAX_BYTES, verdict_of
from .scale import DEFAULT_SCALE, RatingScale

log = logging.getLogger(f"mkdocs.plugins.{__name__}")
_COMMIT = "\x1e"  # record separator: starts each commit in our log format
_NO_BLOB = "0" * 40
_verdicts: dict[tuple[str, tuple[str, ...]], str | None] = {}  # (blob id, scale) -> verdict: blobs never change


@dataclass(frozen=True)
class VerdictChange:
    date: date
    before: str
    after: str
    commit: str
    url: str = ""

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass
class ClaimHistory:
    last_changed: date
    last_commit: str
    verdict_changes: list[VerdictChange] = field(default_factory=list)


@dataclass(frozen=True)
class _Version:
    commit: str
    day: date | None  # None: a date we do not trust
    blob: str  # the file's content at this commit; _NO_BLOB once deleted


def claim_histories(claims_dir: Path, repo_url: str = "", scale: RatingScale = DEFAULT_SCALE,
                    published: Mapping[Path, date] | None = None, *,
                    today: date | None = None) -> dict[Path, ClaimHistory]:
    """History per claim file (absolute, resolved path), for the files in ``published``
    (path -> the claim's publication date: nothing before it is shown) or, without it,
    every file. Empty outside a git work tree."""
    top = _git(claims_dir, "rev-parse", "--show-toplevel")
    if not top:
        return {}
    root = Path(top.strip())
    versions = _versions(claims_dir, root, today or datetime.now(UTC).date(), set(published or ()) or None)
    floor = {path: (published or {}).get(path, date.min) for path in versions}
    keys = tuple(scale.keys)
    _read_verdicts([v.blob for vs in versions.values() if len(vs) > 1 for v in vs], claims_dir, scale)
    histories: dict[Path, ClaimHistory] = {}
    for path, file_versions in versions.items():
        # Dates before the claim's publication are as untrustworthy as dates in the future.
        dated = [v for v in file_versions if v.day is not None and v.day >= floor[path]]
        if not dated:
            continue
        newest = dated[-1]
        assert newest.day is not None
        changes = _changes([(v, _verdicts.get((v.blob, keys))) for v in file_versions], floor[path], repo_url)
        histories[path] = ClaimHistory(newest.day, newest.commit, changes)
    return histories


def _changes(versions: list[tuple[_Version, str | None]], published: date, repo_url: str) -> list[VerdictChange]:
    """Verdict changes along the versions (oldest first, with each one's verdict); changes
    without a trusted date are not listed."""
    changes = []
    before: str | None = None
    for version, after in versions:
        if after is None:  # no valid verdict in this version: not a change
            continue
        if before is not None and after != before and version.day is not None and version.day >= published:
            url = f"{repo_url.rstrip('/')}/commit/{version.commit}" if repo_url else ""
            changes.append(VerdictChange(version.day, before, after, version.commit, url))
        before = after
    return changes


def _versions(claims_dir: Path, root: Path, today: date, wanted: set[Path] | None) -> dict[Path, list[_Version]]:
    """Every version of each wanted file (None: every file) along the first-parent line, oldest first."""
    out = _git(claims_dir, "log", "-z", "--first-parent", "--diff-merges=first-parent", "--no-renames",
               "--raw", "--no-abbrev", f"--format={_COMMIT}%H %ct", "--", ".")
    versions: dict[Path, list[_Version]] = {}
    for block in (out or "").split(_COMMIT)[1:]:
        header, _, raw = block.partition("\0")
        commit, _, stamp = header.partition(" ")
        day = _day(commit, stamp, today)
        # --raw -z: ":old-mode new-mode old-blob new-blob status\0path\0" per file
        fields = raw.lstrip("\n").split("\0")
        for info, name in zip(fields[::2], fields[1::2], strict=False):
            parts = info.split()
            if len(parts) < 5:
                continue
            path = (root / name).resolve()
            if wanted is None or path in wanted:
                versions.setdefault(path, []).append(_Version(commit, day, parts[3]))
    for file_versions in versions.values():
        file_versions.reverse()  # git log is newest first
    return versions


def _day(commit: str, stamp: str, today: date) -> date | None:
    """The commit's date, or None (with a note in the log) when it cannot be trusted."""
    try:
        day = datetime.fromtimestamp(int(stamp), UTC).date()
    except (ValueError, OverflowError, OSError):
        log.info(f"factcheck: commit {commit[:12]} has an unreadable date; its changes are not dated")
        return None
    if day > today:
        log.info(f"factcheck: commit {commit[:12]} is dated {day.isoformat()}, after today; "
                 "its changes are not dated")
        return None
    return day


def _read_verdicts(blobs: list[str], cwd: Path, scale: RatingScale) -> None:
    """Parse each blob not seen before (one `git cat-file` for all) and keep its verdict."""
    keys = tuple(scale.keys)
    missing = sorted({b for b in blobs if b != _NO_BLOB and (b, keys) not in _verdicts})
    if not missing:
        return
    try:
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=cwd, input="\n".join(missing).encode() + b"\n",
                              capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return
    out, at = proc.stdout, 0
    for blob in missing:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<id> missing" in a shallow clone
            _verdicts[blob, keys] = None
            continue
        size = int(header[2])
        raw = out[at:at + size]
        at += size + 1
        _verdicts[blob, keys] = verdict_of(raw, scale) if size <= DEFAULT_MAX_BYTES else None


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                              encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None  # git missing, or not runnable here
    return proc.stdout if proc.returncode == 0 else None
