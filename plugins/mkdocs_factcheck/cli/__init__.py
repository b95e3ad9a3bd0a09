"""The ``factcheck`` command: a table of its subcommands, each a module of this package.

Takes command-line arguments (and, through the commands, the site's ``mkdocs.yml``: the
factcheck plugin's options, read as ``mkdocs build`` reads them). ``COMMANDS`` names each
command's module and its one-line summary, so ``factcheck --help`` and ``--version`` list
the commands without importing one (nor MkDocs, pydantic or Jinja); ``factcheck CMD``
imports CMD's module alone, whose ``add_arguments(parser)`` declares its options and
``run(args)`` does the work and gives the exit status.

Exit status: 0 when clean, 1 when problems were found, 2 on bad usage (and, for the
commands that reach the network, a configuration they cannot use), 3 when the command
itself failed (a bug: the report is incomplete, never to be read as clean or as findings).

May import: ``base``, ``claims``, ``output``, ``plan``, ``project``, ``tools`` and ``generate``;
never the MkDocs adapter (``plugin``) or an engine.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from .. import __version__
from ..base.errors import SiteError, UsageError, printable


class CommandModule(Protocol):
    """What each command's module gives."""

    DESCRIPTION: str  # the paragraph under `factcheck CMD --help`'s usage line

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass(frozen=True)
class Command:
    module: str  # the module in this package
    summary: str  # its line in `factcheck --help`
    reads_site: bool = True  # takes -f and reads the site's mkdocs.yml (init makes a site: it reads none)

    def load(self) -> CommandModule:
        return cast(CommandModule, importlib.import_module(f"{__name__}.{self.module}"))


# In the order `factcheck --help` lists them.
COMMANDS: dict[str, Command] = {
    "validate": Command("validate", "check claim files as the build does"),
    "new": Command("new", "start a new claim file"),
    "schema": Command("schema", "write the claim file's JSON Schema"),
    "init": Command("init", "create a new fact-check site in a folder", reads_site=False),
    "links": Command("links", "check that every cited URL still answers"),
    "import": Command("import_", "write claim files from ClaimReview markup"),
    "archive": Command("archive", "add Internet Archive captures as archive_url"),
    "generate": Command("generate", "write the site's pages into docs_dir (for Zensical)"),
    "status": Command("status", "list the desk's queue: checks by status"),
    "editor": Command("editor", "the form editor against this checkout (no account, no network)"),
}

# Commands whose exit status 1 means "findings to report" to a workflow: a configuration
# they cannot use is 2, so that it is never taken for a (empty) report.
NETWORK_COMMANDS = ("links", "archive", "import")
CRASHED = 3


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, every command is listed but only that one's
    module is imported and its options declared (``""``: none, for ``--help`` and ``--version``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-f", "--config-file", metavar="FILE",
                        help="the site's MkDocs configuration (default: the nearest mkdocs.yml, "
                             "mkdocs.yaml or properdocs.yml here or in a folder above)")
    parser = argparse.ArgumentParser(prog="factcheck", description="Work with fact-check claim files.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        if only is not None and name != only:
            commands.add_parser(name, help=command.summary)  # listed; never parsed with
            continue
        module = command.load()
        sub = commands.add_parser(name, parents=[common] if command.reads_site else [], help=command.summary,
                                  description=module.DESCRIPTION)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run, **({} if command.reads_site else {"config_file": None}))
    return parser


def command_in(argv: Sequence[str]) -> str:
    """The command named in ``argv`` ("" when there is none): the first word that is not an
    option (the program's own options, --help and --version, take no value)."""
    word = next((arg for arg in argv if not arg.startswith("-")), "")
    return word if word in COMMANDS else ""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=command_in(arguments))
    args = parser.parse_args(arguments)
    try:
        if COMMANDS[args.command].reads_site:  # every such command reads Path(args.config_file): resolved here
            from ..project.mkdocs_yml import find_config

            args.config_file = str(find_config(args.config_file))
        from ..tools import extras

        extras.require(args.command)  # links, archive, import: the `tools` extra
        run: Callable[[argparse.Namespace], int] = args.run
        code = run(args)
    except UsageError as exc:
        parser.exit(2, f"factcheck {args.command}: error: {printable(str(exc))}\n")
    except SiteError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 2 if args.command in NETWORK_COMMANDS else 1
    except Exception as exc:  # a bug, or memory exhausted: say so, and never exit as if checked
        sys.stdout.flush()
        print(f"factcheck {args.command}: the command failed: {type(exc).__name__}: "
              f"{printable(str(exc))[:500]} (set FACTCHECK_TRACEBACK=1 to see where; please report it)",
              file=sys.stderr)
        if os.environ.get("FACTCHECK_TRACEBACK"):
            raise
        return CRASHED
    return code


if __name__ == "__main__":
    sys.exit(main())
