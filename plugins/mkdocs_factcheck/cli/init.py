"""``factcheck init DIR``: a complete new fact-check site (``tools.init`` holds the files)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..claims.scale import RatingScale
from ..tools import init
from .schema import schema_text

DESCRIPTION = ("Write a complete fact-check site into DIR (new or empty): mkdocs.yml, the pages a desk "
               "fills in, a claims folder with an example draft, the schema, workflows and .gitignore.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", metavar="DIR", help="the folder of the new site")
    parser.add_argument("--engine", choices=init.ENGINES, default="mkdocs",
                        help="mkdocs (default: the plugin, under MkDocs or ProperDocs) or zensical "
                             "(the workflows run `factcheck generate`, then Zensical)")
    parser.add_argument("--language", default="en", help="the site's language (theme.language; default: en)")
    parser.add_argument("--name", default="Fact checks", help="the site's name (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    choices = init.Choices(engine=args.engine, language=args.language, site_name=args.name, today=date.today())
    written = init.write_site(folder, init.site_files(choices, schema_text(RatingScale.from_config(None))))
    print("\n".join(init.next_steps(folder, choices)))
    print(f"({len(written)} files written)", file=sys.stderr)
    return 0
