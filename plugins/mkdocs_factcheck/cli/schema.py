"""``factcheck schema``: the claim file's JSON Schema for editors (or, with ``--people``, the
people registry's), or ``--check`` that the committed one is current."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..base.errors import SiteError
from ..claims import people
from ..claims.model import claim_json_schema
from ..claims.scale import RatingScale
from ..project.site import PEOPLE_SCHEMA_PATH, SCHEMA_PATH, read_site

DESCRIPTION = "Write the JSON Schema editors use for claim files."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default=None, metavar="PATH",
                        help=f"where to write it (default: {SCHEMA_PATH.as_posix()}, "
                             f"with --people {PEOPLE_SCHEMA_PATH.as_posix()})")
    parser.add_argument("--people", action="store_true",
                        help="the people registry's (people.yml) schema instead of the claim file's")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file is missing or out of date")


def schema_text(scale: RatingScale) -> str:
    """The schema as committed: ``$schema`` and ``title`` first, for people reading it."""
    schema = claim_json_schema(scale)
    first = {key: schema[key] for key in ("$schema", "title", "description") if key in schema}
    return json.dumps({**first, **schema}, indent=2, ensure_ascii=False) + "\n"


def people_schema_text() -> str:
    """The people registry's schema (``factcheck schema --people``), as committed."""
    return json.dumps(people.registry_json_schema(), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    default = PEOPLE_SCHEMA_PATH if args.people else SCHEMA_PATH
    output = Path(args.output or default)
    text = people_schema_text() if args.people else schema_text(site.scale)
    if args.check:
        if output.is_dir():
            output = output / default.name
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            print(f"{output.as_posix()} is out of date; run `factcheck schema` and commit it",
                  file=sys.stderr)
            return 1
        print(f"{output.as_posix()} is up to date")
        return 0
    if output.is_dir():  # --output DIR: the file goes inside it
        output = output / default.name
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SiteError(f"{output.as_posix()}: cannot write the schema: {exc.strerror}") from None
    print(f"wrote {output.as_posix()}")
    return 0
