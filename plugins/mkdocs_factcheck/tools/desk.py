"""``factcheck status``: the desk's queue.

Takes the site's settings (``mkdocs.yml``) and its claims, loaded by the build's own
loader and editorial policy, and the build's date; gives one row per claim file:
where it stands (draft, review, embargoed, published, or invalid), its author and
reviewers, how many days since it last changed (the day of the file's last git
commit, else of its modification time) and how many warnings and errors it has;
as a text table or JSON. Unfinished work first, oldest first.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from ..base.errors import ClaimError, printable
from ..claims import editorial
from ..claims.history import claim_histories
from ..claims.loader import ClaimSet, claim_files
from ..claims.model import Claim
from ..claims.people import Desk

ORDER = ("invalid", "draft", "review", "embargoed", "published", "withdrawn")
COLUMNS = ("status", "id", "author", "reviewers", "age", "warnings")


@dataclass(frozen=True)
class Row:
    """One claim file in the queue."""

    file: str
    id: str
    status: str  # one of ORDER
    author: str
    reviewers: list[str]
    last_changed: str  # YYYY-MM-DD, or "" when unknown
    age_days: int | None
    warnings: int
    errors: int
    published: str = ""


def queue(claim_set: ClaimSet, when: editorial.Clock | date, default_author: str,
          changed: dict[str, date]) -> list[Row]:
    """Rows for every claim file that loaded, and for every file with errors, at ``when`` (the
    build's clock: stages by instant, ages in days of the site's zone); ``changed`` holds the day
    each file (by its shown path) last changed."""
    clock = editorial.clock_at(when)
    today = clock.today
    warnings = _count(claim_set.warnings)
    errors = _count(claim_set.errors)
    people = replace(claim_set.desk, default_author=claim_set.desk.default_author or default_author)
    rows = [_row(claim, clock, default_author, changed.get(claim.path), warnings, errors, people)
            for claim in claim_set.claims.values()]
    loaded = {claim.path for claim in claim_set.claims.values()}
    for path, count in errors.items():
        if path not in loaded:
            last = changed.get(path)
            rows.append(Row(path, Path(path).stem, "invalid", "", [], last.isoformat() if last else "",
                            (today - last).days if last else None, warnings.get(path, 0), count))
    return sorted(rows, key=lambda r: (ORDER.index(r.status), -(r.age_days or 0), r.id))


def _row(claim: Claim, clock: editorial.Clock, default_author: str, last: date | None,
         warnings: dict[str, int], errors: dict[str, int], people: Desk) -> Row:
    today = clock.today
    status = "invalid" if claim.path in errors else editorial.stage(claim, clock)
    return Row(claim.path, claim.id, status, claim.author or default_author, people.review(claim)[0],
               last.isoformat() if last else "", (today - last).days if last else None,
               warnings.get(claim.path, 0), errors.get(claim.path, 0), claim.published.isoformat())


def _count(problems: list[ClaimError]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.path] = counts.get(problem.path, 0) + 1
    return counts


def format_text(rows: list[Row]) -> list[str]:
    """An aligned table, then a count per status."""
    # Ids of invalid files, authors and reviewers are contributors' text: escaped as reports are.
    cells = [list(COLUMNS)] + [[printable(cell) for cell in (
        _status(r), r.id, r.author or "-", ", ".join(r.reviewers) or "-",
        "-" if r.age_days is None else f"{r.age_days}d", _problems(r))] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    tally = [f"{sum(r.status == s for r in rows)} {s}" for s in ORDER if any(r.status == s for r in rows)]
    return [*lines, f"{len(rows)} claim file{'s' if len(rows) != 1 else ''}: " + (", ".join(tally) or "none")]


def _status(row: Row) -> str:
    return f"embargoed until {row.published}" if row.status == "embargoed" else row.status


def _problems(row: Row) -> str:
    return f"{row.warnings}" + (f" (+{row.errors} errors)" if row.errors else "")


def format_json(rows: list[Row]) -> list[str]:
    return [json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False)]


def last_changed(claims_dir: Path, base: Path) -> dict[str, date]:
    """The day each claim file last changed, by the path the loader shows: its last
    commit in a git checkout, else its modification time (UTC)."""
    commits = claim_histories(claims_dir)
    days = {}
    for path in claim_files(claims_dir):
        resolved = path.resolve()
        history = commits.get(resolved)
        shown = Path(os.path.relpath(path, base)).as_posix()  # as the loader shows it
        days[shown] = history.last_changed if history else datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    return days
