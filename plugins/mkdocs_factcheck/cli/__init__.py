"""The ``factcheck`` command: check claim files, start a new one, write the JSON Schema.

Takes command-line arguments and the site's ``mkdocs.yml`` (the factcheck
plugin's ``claims_dir``, ``scale`` and ``max_file_bytes``, so that the command
and ``mkdocs build`` agree). Gives:

- ``factcheck validate [PATH...]``: every located problem, one line each (plain
  text, GitHub annotations or JSON), from the build's own loader
  (``ClaimLoader.load``), never a second validator;
- ``factcheck new "claim text"``: a claim file whose placeholders make
  ``validate`` list exactly what is left to fill in;
- ``factcheck schema``: the claim file's JSON Schema for editors, or ``--check``
  that the committed one is current.

Exit status: 0 when clean, 1 when problems were found, 2 on bad usage (and, for the
commands that reach the network, a configuration they cannot use), 3 when the command
itself failed (a bug: the report is incomplete, never to be read as clean or as findings).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from .. import __version__, generate
from ..base.errors import SiteError, UsageError, printable
from ..claims import people, urls
from ..claims.loader import CLAIM_SUFFIXES
from ..claims.model import claim_id_problem, claim_json_schema
from ..claims.scale import RatingScale
from ..claims.slugs import claim_id_for
from ..project.mkdocs_yml import find_config
from ..project.report import FORMATS, summary
from ..project.site import PEOPLE_SCHEMA_PATH, SCHEMA_PATH, read_site
from ..project.validation import validate
from ..tools import archive, desk, editor_local, extras, importer, init, linkcheck

COMMENT_COLUMN = 48


# --- validate ------------------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    report = validate([Path(p) for p in args.paths], site, Path.cwd(), against=args.base or "")
    print("\n".join(FORMATS[args.format](report)))
    if args.format == "json":
        print(summary(report), file=sys.stderr)
    return 1 if report.errors else 0


# --- new -----------------------------------------------------------------------------


def _quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1_000_000).strip()


def scaffold(claim: str, *, claimant: str, verdict: str, scale: RatingScale, today: date,
             schema_ref: str, shown_path: str) -> str:
    """A claim file with every required field; the empty ones are what is left to do.

    Optional fields are there as comments, to uncomment when they apply."""
    rows = [
        (f"claim: {_quoted(claim)}", "the claim, as exactly as it was made"),
        (f"claimant: {_quoted(claimant)}", "who made the claim: a person or an organisation"),
        ("# claimant_type: person", "optional: person or organization"),
        ("# claim_date: YYYY-MM-DD", "optional: when the claim was made"),
        ("# appearance: https://", "optional: where it was made (a URL, or a list of URLs)"),
        (f"verdict: {_quoted(verdict)}", "one of: " + ", ".join(scale.keys)),
        ('summary: ""', "the short answer, one to three sentences (Markdown)"),
        ("# analysis: |", "optional: the full write-up (Markdown), on indented lines"),
        ("sources:", "at least one; cite primary documents"),
        ('  - title: ""', "the document's title"),
        ('    url: ""', "its full address, starting with https://"),
        ("    # publisher: Name", "optional: who published it"),
        ("    # date: YYYY-MM-DD", "optional: when it was published"),
        ("    # archive_url: https://web.archive.org/", "optional: a snapshot of the page"),
        ("# quotes:", "optional: what experts said"),
        ("#   - expert: Name", ""),
        ("#     role: Title, Organisation", "optional"),
        ("#     text: What they said", "their words; mark a paraphrase as one"),
        ("#     source: https://", "optional: where the quote appeared"),
        ("#     stance: disputes", "optional: supports, disputes or context"),
        ("# tags: [topic, another-topic]", "optional"),
        ("# related: [other-claim-id]", "optional: ids (file names) of other claims"),
        (f"published: {today.isoformat()}", "when this fact check is published (YYYY-MM-DD)"),
        ("# updated: YYYY-MM-DD", "optional: when it was last changed"),
        ("# author: Name", "optional: who checked it (the site's default otherwise)"),
        ("# corrections:", "optional: a public log of changes to the verdict or facts"),
        ("#   - date: YYYY-MM-DD", ""),
        ("#     note: What changed", ""),
        # A new check is a draft (previewed by `mkdocs serve`, never published) until the desk says so.
        ("status: draft", "draft, then review, then published: only published checks are built"),
        ("# reviewed_by: [Name]", "optional: who reviewed it, besides the author"),
        ("# headline: What we found", "optional: a headline that states the finding, for listings"),
    ]
    # Line the comments up, except after a value too long to line up with.
    width = max(len(code) for code, _ in rows if len(code) <= COMMENT_COLUMN) + 2
    head = [
        f"# yaml-language-server: $schema={schema_ref}",
        '# A new fact check. Fill in every empty "" below, then run',
        f"#   factcheck validate {shown_path}",
        "# which lists what is still missing. Every field is described in CONTRIBUTING.md.",
    ]
    body = [code + (" " * max(2, width - len(code)) + f"# {note}" if note else "")
            for code, note in rows]
    return "\n".join([*head, *body]) + "\n"


def run_new(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    claim = " ".join(args.claim.split())
    if not claim:
        raise UsageError("the claim text is empty")
    if args.verdict and args.verdict not in site.scale:
        keys = ", ".join(site.scale.keys)
        raise UsageError(f"unknown verdict {args.verdict!r}; write one of: {keys}")
    claim_id = args.id or claim_id_for(claim)
    if not claim_id:
        raise UsageError("cannot make an id from the claim text; give one with --id")
    problem = claim_id_problem(claim_id)
    if problem:
        raise UsageError(f"{claim_id!r} {problem}: use lower-case letters, digits and single hyphens, "
                         f"at most {urls.MAX_ID_LENGTH} characters, not {', '.join(sorted(urls.RESERVED_IDS))}")
    folder = Path(args.dir) if args.dir else site.claims_dir
    path = folder / f"{claim_id}.yml"
    taken = _existing(folder, claim_id)
    if taken:
        print(f"error: {printable(str(taken))} already exists; edit it, or choose another id with --id",
              file=sys.stderr)
        return 1
    text = scaffold(claim, claimant=args.claimant or "", verdict=args.verdict or "",
                    scale=site.scale, today=date.today(),
                    schema_ref=Path(os.path.relpath(SCHEMA_PATH, folder)).as_posix(),
                    shown_path=path.as_posix())
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except OSError as exc:  # a folder of that name, no permission, ...: no traceback
        shown = Path(os.path.relpath(path)).as_posix()  # as the user knows it, not an absolute path
        print(f"error: cannot create {printable(shown)}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"created {path.as_posix()}: fill it in, then run `factcheck validate {path.as_posix()}`")
    return 0


def _existing(folder: Path, claim_id: str) -> Path | None:
    """A file that already holds this id (any suffix, any subfolder): ids must be unique."""
    if not folder.is_dir():
        return None
    names = {f"{claim_id}{suffix}" for suffix in CLAIM_SUFFIXES}
    return next((Path(d, n) for d, _, files in os.walk(folder) for n in files if n in names), None)


# --- schema --------------------------------------------------------------------------


def schema_text(scale: RatingScale) -> str:
    """The schema as committed: ``$schema`` and ``title`` first, for people reading it."""
    schema = claim_json_schema(scale)
    first = {key: schema[key] for key in ("$schema", "title", "description") if key in schema}
    return json.dumps({**first, **schema}, indent=2, ensure_ascii=False) + "\n"


def people_schema_text() -> str:
    """The people registry's schema (``factcheck schema --people``), as committed."""
    return json.dumps(people.registry_json_schema(), indent=2, ensure_ascii=False) + "\n"


def run_schema(args: argparse.Namespace) -> int:
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


# --- init ----------------------------------------------------------------------------


def run_init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    choices = init.Choices(engine=args.engine, language=args.language, site_name=args.name, today=date.today())
    written = init.write_site(folder, init.site_files(choices, schema_text(RatingScale.from_config(None))))
    print("\n".join(init.next_steps(folder, choices)))
    print(f"({len(written)} files written)", file=sys.stderr)
    return 0


# --- command line --------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-f", "--config-file", metavar="FILE",
                        help="the site's MkDocs configuration (default: the nearest mkdocs.yml, "
                             "mkdocs.yaml or properdocs.yml here or in a folder above)")
    parser = argparse.ArgumentParser(prog="factcheck",
                                     description="Work with fact-check claim files.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("validate", parents=[common],
                                help="check claim files as the build does",
                                description="Check claim files exactly as `mkdocs build` does.")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="claim files or folders (default: the site's claims_dir)")
    check.add_argument("--format", choices=sorted(FORMATS), default="text",
                       help="text (default), github (annotations) or json")
    check.add_argument("--base", metavar="REF",
                       help="check the published record against the history of REF (a pull request's base "
                            "branch or commit) instead of the checked-out branch; new files go out today")
    check.set_defaults(run=run_validate)

    new = commands.add_parser("new", parents=[common], help="start a new claim file",
                              description="Create claims/<id>.yml with every required field.")
    new.add_argument("claim", help="the claim, as it was made")
    new.add_argument("--claimant", help="who made the claim")
    new.add_argument("--verdict", help="a key of the rating scale")
    new.add_argument("--id", help="the claim id (default: made from the claim text)")
    new.add_argument("--dir", help="the claims folder (default: the site's claims_dir)")
    new.set_defaults(run=run_new)

    schema = commands.add_parser("schema", parents=[common],
                                 help="write the claim file's JSON Schema",
                                 description="Write the JSON Schema editors use for claim files.")
    schema.add_argument("--output", default=None, metavar="PATH",
                        help=f"where to write it (default: {SCHEMA_PATH.as_posix()}, "
                             f"with --people {PEOPLE_SCHEMA_PATH.as_posix()})")
    schema.add_argument("--people", action="store_true",
                        help="the people registry's (people.yml) schema instead of the claim file's")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file is missing or out of date")
    schema.set_defaults(run=run_schema)

    start = commands.add_parser(
        "init", help="create a new fact-check site in a folder",
        description="Write a complete fact-check site into DIR (new or empty): mkdocs.yml, the pages a desk "
                    "fills in, a claims folder with an example draft, the schema, workflows and .gitignore.")
    start.add_argument("dir", metavar="DIR", help="the folder of the new site")
    start.add_argument("--engine", choices=init.ENGINES, default="mkdocs",
                       help="mkdocs (default: the plugin, under MkDocs or ProperDocs) or zensical "
                            "(the workflows run `factcheck generate`, then Zensical)")
    start.add_argument("--language", default="en", help="the site's language (theme.language; default: en)")
    start.add_argument("--name", default="Fact checks", help="the site's name (default: %(default)s)")
    start.set_defaults(run=run_init, config_file=None)

    linkcheck.add_parser(commands, common)
    importer.add_parser(commands, common)
    archive.add_parser(commands, common)
    generate.add_parser(commands, common)
    desk.add_parser(commands, common)
    editor_local.add_parser(commands, common)
    return parser


# Commands whose exit status 1 means "findings to report" to a workflow: a configuration
# they cannot use is 2, so that it is never taken for a (empty) report.
NETWORK_COMMANDS = ("links", "archive", "import")
CRASHED = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # Every command reads Path(args.config_file): resolve it once, here.
        if args.command != "init":  # init makes a site: it reads none
            args.config_file = str(find_config(args.config_file))
        extras.require(args.command)  # links, archive, import: the `tools` extra
        code: int = args.run(args)
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
