"""What a command found, and the three ways it is printed: plain text, GitHub workflow
annotations (escaped, so a file's text cannot forge a command) and JSON."""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field

from ..base.errors import ClaimError, printable


@dataclass
class Report:
    """The problems found in the files asked about, and how many files those were."""

    errors: list[ClaimError]
    checked: int
    warnings: list[ClaimError] = field(default_factory=list)

    def problems(self) -> list[ClaimError]:
        """Errors and warnings, file by file, line by line (each list is sorted already)."""
        return list(heapq.merge(self.errors, self.warnings))


def format_text(report: Report) -> list[str]:
    return [str(problem) for problem in report.problems()] + [summary(report)]


def format_github(report: Report) -> list[str]:
    """Workflow commands that GitHub shows as annotations on the pull request's files."""
    lines = []
    for error in report.problems():
        props = [("file", printable(error.path))]
        if error.line > 0:
            props += [("line", str(error.line)), ("col", str(error.column))]
        props.append(("title", f"factcheck {error.code}" if error.code else "factcheck"))
        message = f"{error.message} ({error.hint})" if error.hint else error.message
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        lines.append(f"::{error.severity} {joined}::{escape_data(message)}")
    return [*lines, summary(report)]


def format_json(report: Report) -> list[str]:
    return [json.dumps([problem.as_dict() for problem in report.problems()], indent=2, ensure_ascii=False)]


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(report: Report) -> str:
    checked = _plural(report.checked, "claim file")
    warned = f", {_plural(len(report.warnings), 'warning')}" if report.warnings else ""
    if not report.errors:
        return f"{checked} checked: no problems{warned}"
    files = len({error.path for error in report.errors})
    problems = _plural(len(report.errors), "problem")
    return f"{problems} in {_plural(files, 'file')}{warned} ({checked} checked)"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


FORMATS = {"text": format_text, "github": format_github, "json": format_json}
