"""``factcheck generate [--watch | --check]``: the site's pages and files written into docs_dir
(``generate.Generator``), for an engine that runs no MkDocs plugins (Zensical)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..generate import Generator

DESCRIPTION = ("Write every page and file the plugin makes into docs_dir, so that an engine "
               "that runs no MkDocs plugins (Zensical) builds the complete site.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--watch", action="store_true",
                        help="keep running; generate again whenever a claim file, template or mkdocs.yml changes")
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                        help="how often --watch looks for changes (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if docs_dir lacks what generate would write now (a CI step "
                             "before `zensical build`)")


def run(args: argparse.Namespace) -> int:
    # Flushed line by line: under --watch the output goes on while another tool reads it.
    generator = Generator(Path(args.config_file), say=lambda text: print(text, flush=True),
                          warn=lambda text: print(text, file=sys.stderr, flush=True))
    if args.check:
        return generator.check()
    if not args.watch:
        return generator.run()
    print("watching the claims, templates and mkdocs.yml; stop with Ctrl+C", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how a watch ends
        generator.watch(interval=args.interval)
    return 0
