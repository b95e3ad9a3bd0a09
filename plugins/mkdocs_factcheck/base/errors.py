"""Located problems in claim files, reported all at once, printed safely.

An error stops a build; a warning (an editorial rule a site has not made strict,
see ``editorial``) is shown and never fails one. Editorial findings carry a stable
``code`` that sites name to raise a warning to an error.

File names and values in a message come from contributors: a newline could start a
line of its own (``::error`` is a GitHub Actions workflow command) and an ESC could
drive the terminal, so every one of them is printed escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

MAX_REPORTED = 200  # lines of one report; each file already reports at most 50
# C0 and C1 controls, DEL, line and paragraph separators and bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal or a log reader escaped."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


class UsageError(Exception):
    """A command cannot run as asked (exit status 2)."""


class SiteError(Exception):
    """The site's configuration is broken (exit status 1, as the build would fail too)."""


@dataclass(frozen=True, order=True)
class ClaimError:
    """One problem in one claim file: where it is, what is wrong, how to fix it."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    code: str = ""  # stable name of an editorial rule; "" for the format's own errors
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        path = printable(self.path)
        if path.startswith(":"):  # never the start of a workflow command
            path = "./" + path
        level = "warning: " if self.severity == "warning" else ""
        text = f"{path}:{self.line}:{self.column}: {level}{printable(self.message)}"
        text = f"{text} ({printable(self.hint)})" if self.hint else text
        return f"{text} [{self.code}]" if self.code else text

    def as_error(self) -> ClaimError:
        return replace(self, severity="error")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
            "severity": self.severity,
        }


def report_lines(errors: list[ClaimError]) -> list[str]:
    """One line per problem, at most MAX_REPORTED of them, then how many more there are."""
    ordered = sorted(errors)
    lines = [str(error) for error in ordered[:MAX_REPORTED]]
    if len(ordered) > MAX_REPORTED:
        files = len({error.path for error in ordered[MAX_REPORTED:]})
        lines.append(f"... and {len(ordered) - MAX_REPORTED:,} more problems in {files:,} "
                     f"file{'s' if files != 1 else ''} (fix the ones above first)")
    return lines


def format_report(errors: list[ClaimError]) -> str:
    count = len(errors)
    files = len({error.path for error in errors})
    head = f"{count} problem{'s' if count != 1 else ''} in {files} claim file{'s' if files != 1 else ''}:"
    return "\n".join([head, *(f"  {line}" for line in report_lines(errors))])
