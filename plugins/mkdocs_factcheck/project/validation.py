"""``factcheck validate``'s core: the build's own loader run over the claims folders the
paths live in, keeping the problems of the files asked about."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..base.errors import ClaimError, UsageError
from ..claims.loader import CLAIM_SUFFIXES, ClaimLoader, claim_files
from ..claims.record import record_check
from .report import Report
from .site import Site


def validate(paths: Sequence[Path], site: Site, base: Path, *, against: str = "") -> Report:
    """Load each claims folder the paths live in (so ``related`` ids resolve against
    all claims) and keep only the problems of the files and folders named. The site's
    claims folder is checked against its published record: the history of ``against``
    (a pull request's base branch) or of the checked-out branch."""
    targets = [_target(path, site.claims_dir) for path in paths] or [
        (_absolute(site.claims_dir), _absolute(site.claims_dir))]
    by_root: dict[Path, list[Path]] = {}
    for root, target in targets:
        by_root.setdefault(root, []).append(target)
    errors: set[ClaimError] = set()
    warnings: set[ClaimError] = set()
    unread: set[Path] = set()  # folders the loader read no claim file of (one it refused: `claims -> /`)
    for root, wanted in by_root.items():
        site_root = site.root if root == _absolute(site.claims_dir) else None
        check = record_check(site.scale, replace(site.record, base=against), site.policy, site.cache_dir,
                             site.root or root.parent, site.workers) if site_root is not None else None
        loader = ClaimLoader(site.scale, max_bytes=site.max_file_bytes, policy=site.policy, workers=site.workers,
                             record=check, people_file=site.people_file if site_root is not None else None)
        claim_set = loader.load(root, base, site_root=site_root)
        if not claim_set.files:
            unread.add(root)
        if claim_set.history_note and claim_set.record is not None and claim_set.record.shallow:
            print(claim_set.history_note, file=sys.stderr)  # history that exists but was cut: say so
        # people.yml's own problems belong to every run over the site's claims: they decide who may sign them.
        registry = [_absolute(site.people_file)] if site_root is not None and site.people_file else []
        # A deleted check's error names a file no path can name any more: always reported.
        errors.update(e for e in claim_set.errors if _within(base / e.path, [*wanted, *registry])
                      or (e.code == "record" and not (base / e.path).exists()))
        warnings.update(w for w in claim_set.warnings if _within(base / w.path, wanted))
    checked = {file for root, target in targets if root not in unread for file in _claim_files(target)}
    return Report(sorted(errors), len(checked), sorted(warnings))


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): keep the names the user gave (symlinked folders stay as named).
    return Path(os.path.abspath(path))


def _target(path: Path, claims_dir: Path) -> tuple[Path, Path]:
    """(folder to load, file or folder to report on) for one PATH argument."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file() and not path.name.lower().endswith(CLAIM_SUFFIXES):
        raise UsageError(f"{path}: not a claim file (claim files end in .yml or .yaml)")
    if path.is_file() and path.name.startswith("."):
        raise UsageError(f"{path}: the build skips hidden files; remove the leading dot")
    wanted, claims = _absolute(path), _absolute(claims_dir)
    if wanted.is_relative_to(claims):
        return claims, wanted
    if path.is_dir() and claims.is_relative_to(wanted):
        return claims, claims  # `factcheck validate .`: the site's claims, not every YAML file
    return (wanted if path.is_dir() else wanted.parent), wanted


def _within(path: Path, wanted: Iterable[Path]) -> bool:
    """Whether a problem at ``path`` concerns a target: it is the target, inside it, or a folder
    the target is in (a folder that is not read leaves the files in it unread)."""
    shown = _absolute(path)
    return any(shown == target or shown.is_relative_to(target) or target.is_relative_to(shown)
               for target in wanted)


def _claim_files(target: Path) -> set[Path]:
    """Claim files the loader reads under ``target``, for the summary line."""
    return {target} if target.is_file() else set(claim_files(target))
