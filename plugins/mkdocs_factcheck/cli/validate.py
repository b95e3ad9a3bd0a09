"""``factcheck validate [PATH...]``: every located problem of the claim files, one line each
(plain text, GitHub annotations or JSON), from the build's own loader (``ClaimLoader.load``,
through ``project.validation``), never a second validator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..project.report import FORMATS, summary
from ..project.site import read_site
from ..project.validation import validate

DESCRIPTION = "Check claim files exactly as `mkdocs build` does."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="claim files or folders (default: the site's claims_dir)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text",
                        help="text (default), github (annotations) or json")
    parser.add_argument("--base", metavar="REF",
                        help="check the published record against the history of REF (a pull request's base "
                             "branch or commit) instead of the checked-out branch; new files go out today")


def run(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    report = validate([Path(p) for p in args.paths], site, Path.cwd(), against=args.base or "")
    print("\n".join(FORMATS[args.format](report)))
    if args.format == "json":
        print(summary(report), file=sys.stderr)
    return 1 if report.errors else 0
