"""A claims folder in a git checkout in, each claim file's change history out.

Two ``git log`` calls per build, whatever the number of claims: one for the
last commit that touched each file, one for the commits whose diff changed a
``verdict:`` line. Outside git (or with git missing or a shallow clone) it
returns what it can, possibly nothing; pages then fall back to ``updated``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_VERDICT = re.compile(r"^([+-])verdict:\s*(.*?)\s*(#.*)?$")
_COMMIT = "\x1e"  # record separator: starts each commit in our log format


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


def claim_histories(claims_dir: Path, repo_url: str = "") -> dict[Path, ClaimHistory]:
    """History per claim file (absolute, resolved path). Empty outside a git work tree."""
    top = _git(claims_dir, "rev-parse", "--show-toplevel")
    if not top:
        return {}
    root = Path(top.strip())
    histories: dict[Path, ClaimHistory] = {}
    for commit, day, names in _commits(claims_dir, "--name-only"):
        for name in names:
            path = (root / name).resolve()
            if path not in histories:  # git log is newest first
                histories[path] = ClaimHistory(day, commit)
    for change_path, change in _verdict_changes(claims_dir, root, repo_url):
        if change_path in histories:
            histories[change_path].verdict_changes.append(change)
    for history in histories.values():
        history.verdict_changes.sort(key=lambda c: c.date)
    return histories


def _verdict_changes(claims_dir: Path, root: Path, repo_url: str) -> list[tuple[Path, VerdictChange]]:
    changes = []
    out = _git(claims_dir, "log", "--no-renames", f"--format={_COMMIT}%H %cs", "-p", "--unified=0",
               "-G^verdict:", "--", ".")
    for block in (out or "").split(_COMMIT)[1:]:
        header, _, diff = block.partition("\n")
        commit, day = header.split()
        for file_diff in diff.split("\ndiff --git "):
            name = re.search(r"^\+\+\+ b/(.+)$", file_diff, re.M)
            removed = added = None
            for line in file_diff.splitlines():
                match = _VERDICT.match(line)
                if match:
                    value = match.group(2).strip("'\"")
                    removed, added = (value, added) if match.group(1) == "-" else (removed, value)
            if name and removed and added and removed != added:
                url = f"{repo_url.rstrip('/')}/commit/{commit}" if repo_url else ""
                changes.append(((root / name.group(1)).resolve(),
                                VerdictChange(date.fromisoformat(day), removed, added, commit, url)))
    return changes


def _commits(claims_dir: Path, *args: str) -> list[tuple[str, date, list[str]]]:
    out = _git(claims_dir, "log", "--no-renames", f"--format={_COMMIT}%H %cs", *args, "--", ".")
    commits = []
    for block in (out or "").split(_COMMIT)[1:]:
        header, *names = [line for line in block.splitlines() if line.strip()]
        commit, day = header.split()
        commits.append((commit, date.fromisoformat(day), names))
    return commits


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                              encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None  # git missing, or not runnable here
    return proc.stdout if proc.returncode == 0 else None
