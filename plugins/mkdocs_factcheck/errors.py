"""Located problems in claim files, reported all at once.

An error stops a build; a warning (an editorial rule a site has not made strict,
see ``editorial``) is shown and never fails one. Editorial findings carry a stable
``code`` that sites name to raise a warning to an error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal


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
        level = "warning: " if self.severity == "warning" else ""
        text = f"{self.path}:{self.line}:{self.column}: {level}{self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
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


def format_report(errors: list[ClaimError]) -> str:
    count = len(errors)
    files = len({error.path for error in errors})
    head = f"{count} problem{'s' if count != 1 else ''} in {files} claim file{'s' if files != 1 else ''}:"
    return "\n".join([head, *(f"  {error}" for error in sorted(errors))])
