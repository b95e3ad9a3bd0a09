"""Located problems in claim files, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


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

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


def format_report(errors: list[ClaimError]) -> str:
    count = len(errors)
    files = len({error.path for error in errors})
    head = f"{count} problem{'s' if count != 1 else ''} in {files} claim file{'s' if files != 1 else ''}:"
    return "\n".join([head, *(f"  {error}" for error in sorted(errors))])
