"""``factcheck status``: the desk's queue, one row per claim file (``tools.desk``), as text or JSON."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from ..claims.loader import ClaimLoader
from ..project.mkdocs_yml import read_settings
from ..tools.desk import format_json, format_text, last_changed, queue

DESCRIPTION = ("Every claim file with its status (draft, review, embargoed, published, invalid), author, "
               "reviewers, days since it last changed and number of warnings; unfinished work first.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")


def run(args: argparse.Namespace) -> int:
    settings = read_settings(Path(args.config_file))
    clock = settings.policy.clock()  # once: the checks and the stages agree
    loader = ClaimLoader(settings.scale, max_bytes=settings.max_file_bytes,
                         policy=replace(settings.policy, today=clock.now), workers=settings.workers,
                         people_file=settings.people_file)
    claim_set = loader.load(settings.claims_dir, settings.config_dir)
    changed = last_changed(settings.claims_dir, settings.config_dir)
    rows = queue(claim_set, clock, settings.site.default_author, changed)
    print("\n".join((format_json if args.format == "json" else format_text)(rows)))
    return 0
