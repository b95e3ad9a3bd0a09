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
import dataclasses
import heapq
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import (
    __version__,
    archive,
    desk,
    editor_local,
    editorial,
    extras,
    generate,
    importer,
    init,
    linkcheck,
    parallel,
    people,
    siteplan,
    urls,
)
from .errors import ClaimError, SiteError, UsageError, printable
from .loader import CLAIM_SUFFIXES, DEFAULT_MAX_BYTES, ClaimLoader, claim_files
from .mkdocs_yml import find_config, plugin_options, read_config
from .model import claim_id_problem, claim_json_schema
from .record import RecordPolicy, record_check
from .scale import RatingScale
from .slugs import slugify

DEFAULT_CLAIMS_DIR = "claims"
SCHEMA_PATH = Path("schema") / "claim.schema.json"
PEOPLE_SCHEMA_PATH = Path("schema") / "people.schema.json"
MAX_ID_LENGTH = 60
COMMENT_COLUMN = 48


# --- The site's settings, read from mkdocs.yml without MkDocs --------------------------


@dataclass(frozen=True)
class Site:
    """What the command needs from mkdocs.yml."""

    claims_dir: Path
    scale: RatingScale
    max_file_bytes: int = DEFAULT_MAX_BYTES
    policy: editorial.Policy = field(default_factory=editorial.Policy)
    root: Path | None = None  # the folder of mkdocs.yml: the claims folder must be inside it
    workers: int | None = None  # processes for parsing (None: auto)
    record: RecordPolicy = field(default_factory=RecordPolicy)
    cache_dir: Path | None = None
    allow_hosts: tuple[str, ...] = ()  # hosts the network commands ask at non-public addresses
    people_file: Path | None = None  # people.yml, read when it exists


def read_site(config_file: Path) -> Site:
    """The factcheck plugin's options from ``config_file``; defaults when there is none."""
    config = read_config(config_file) if config_file.is_file() else {}
    options = plugin_options(config)
    base = config_file.parent
    claims_dir = options.get("claims_dir") or DEFAULT_CLAIMS_DIR
    max_bytes = options.get("max_file_bytes") or DEFAULT_MAX_BYTES
    if not isinstance(claims_dir, str) or not isinstance(max_bytes, int):
        raise SiteError(f"{config_file}: plugins.factcheck: claims_dir must be text and "
                        "max_file_bytes a number")
    try:
        policy = editorial.Policy.from_options(options.get("warnings_as_errors"), options.get("min_reviewers", 0),
                                               options.get("timezone", "UTC"))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    try:
        workers = parallel.workers_option(options.get("workers", parallel.AUTO))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    # Checks without `author` are credited to the default author, as the build does (siteplan.settings_from).
    site_name = config.get("site_name") if isinstance(config.get("site_name"), str) else ""
    author = options.get("default_author") or options.get("organization") or site_name
    policy = dataclasses.replace(policy, desk=people.Desk(author if isinstance(author, str) else ""))
    try:
        people_file = siteplan.people_file(_text_option(options, "people"), base)
    except siteplan.SettingsError as exc:
        raise SiteError(f"{config_file}: {exc}") from None
    try:
        record = RecordPolicy.from_options(options.get("history", "auto"), options.get("record_starts"))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    cache_dir = options.get("cache_dir")
    allow = options.get("allow_hosts") or []
    if not isinstance(allow, list) or not all(isinstance(host, str) for host in allow):
        raise SiteError(f"{config_file}: plugins.factcheck.allow_hosts must be a list of host names")
    return Site(base / claims_dir, _scale(config_file, options.get("scale")), max_bytes, policy, base, workers,
                record, base / cache_dir if isinstance(cache_dir, str) and cache_dir else None, tuple(allow),
                people_file)


def _text_option(options: dict[str, Any], name: str) -> str | None:
    value = options.get(name)
    return value if isinstance(value, str) and value else None


def _scale(config_file: Path, entries: Any) -> RatingScale:
    if entries is not None and not isinstance(entries, list):
        raise SiteError(f"{config_file}: plugins.factcheck.scale must be a list of ratings")
    try:
        return RatingScale.from_config(entries)
    except ValidationError as exc:
        problems = "; ".join(
            "scale" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
            + f": {e['msg']}" for e in exc.errors())
        raise SiteError(f"{config_file}: plugins.factcheck.scale is invalid: {problems}") from None


# --- validate ------------------------------------------------------------------------


@dataclass
class Report:
    """The problems found in the files asked about, and how many files those were."""

    errors: list[ClaimError]
    checked: int
    warnings: list[ClaimError] = field(default_factory=list)

    def problems(self) -> list[ClaimError]:
        """Errors and warnings, file by file, line by line (each list is sorted already)."""
        return list(heapq.merge(self.errors, self.warnings))


def validate(paths: Sequence[Path], site: Site, base: Path, *, against: str = "") -> Report:
    """Load each claims folder the paths live in (so ``related`` ids resolve against
    all claims) and keep only the problems of the files and folders named. The site's
    claims folder is checked against its published record: the history of ``against``
    (a pull request's base branch) or of the checked-out branch."""
    targets = [_target(path, site.claims_dir) for path in paths] or [
        (_absolute(site.claims_dir), _absolute(site.claims_dir))]
    by_root: dict[Path, list[Path]] = {}
    for root, target in targets:
        by_root.setdefault(root, []).append(target)
    errors: set[ClaimError] = set()
    warnings: set[ClaimError] = set()
    for root, wanted in by_root.items():
        site_root = site.root if root == _absolute(site.claims_dir) else None
        check = record_check(site.scale, replace(site.record, base=against), site.policy, site.cache_dir,
                             site.root or root.parent, site.workers) if site_root is not None else None
        loader = ClaimLoader(site.scale, max_bytes=site.max_file_bytes, policy=site.policy, workers=site.workers,
                             record=check, people_file=site.people_file if site_root is not None else None)
        claim_set = loader.load(root, base, site_root=site_root)
        if claim_set.history_note and claim_set.record is not None and claim_set.record.shallow:
            print(claim_set.history_note, file=sys.stderr)  # history that exists but was cut: say so
        # people.yml's own problems belong to every run over the site's claims: they decide who may sign them.
        registry = [_absolute(site.people_file)] if site_root is not None and site.people_file else []
        # A deleted check's error names a file no path can name any more: always reported.
        errors.update(e for e in claim_set.errors if _within(base / e.path, [*wanted, *registry])
                      or (e.code == "record" and not (base / e.path).exists()))
        warnings.update(w for w in claim_set.warnings if _within(base / w.path, wanted))
    checked = {file for _, target in targets for file in _claim_files(target)}
    return Report(sorted(errors), len(checked), sorted(warnings))


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): keep the names the user gave (symlinked folders stay as named).
    return Path(os.path.abspath(path))


def _target(path: Path, claims_dir: Path) -> tuple[Path, Path]:
    """(folder to load, file or folder to report on) for one PATH argument."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file() and not path.name.lower().endswith(CLAIM_SUFFIXES):
        raise UsageError(f"{path}: not a claim file (claim files end in .yml or .yaml)")
    if path.is_file() and path.name.startswith("."):
        raise UsageError(f"{path}: the build skips hidden files; remove the leading dot")
    wanted, claims = _absolute(path), _absolute(claims_dir)
    if wanted.is_relative_to(claims):
        return claims, wanted
    if path.is_dir() and claims.is_relative_to(wanted):
        return claims, claims  # `factcheck validate .`: the site's claims, not every YAML file
    return (wanted if path.is_dir() else wanted.parent), wanted


def _within(path: Path, wanted: Iterable[Path]) -> bool:
    """Whether a problem at ``path`` concerns a target: it is the target, inside it, or a folder
    the target is in (a folder that is not read leaves the files in it unread)."""
    shown = _absolute(path)
    return any(shown == target or shown.is_relative_to(target) or target.is_relative_to(shown)
               for target in wanted)


def _claim_files(target: Path) -> set[Path]:
    """Claim files the loader reads under ``target``, for the summary line."""
    return {target} if target.is_file() else set(claim_files(target))


def format_text(report: Report) -> list[str]:
    return [str(problem) for problem in report.problems()] + [summary(report)]


def format_github(report: Report) -> list[str]:
    """Workflow commands that GitHub shows as annotations on the pull request's files."""
    lines = []
    for error in report.problems():
        props = [("file", printable(error.path))]
        if error.line > 0:
            props += [("line", str(error.line)), ("col", str(error.column))]
        props.append(("title", f"factcheck {error.code}" if error.code else "factcheck"))
        message = f"{error.message} ({error.hint})" if error.hint else error.message
        joined = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
        lines.append(f"::{error.severity} {joined}::{_escape_data(message)}")
    return [*lines, summary(report)]


def format_json(report: Report) -> list[str]:
    return [json.dumps([problem.as_dict() for problem in report.problems()], indent=2, ensure_ascii=False)]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(report: Report) -> str:
    checked = _plural(report.checked, "claim file")
    warned = f", {_plural(len(report.warnings), 'warning')}" if report.warnings else ""
    if not report.errors:
        return f"{checked} checked: no problems{warned}"
    files = len({error.path for error in report.errors})
    problems = _plural(len(report.errors), "problem")
    return f"{problems} in {_plural(files, 'file')}{warned} ({checked} checked)"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


FORMATS = {"text": format_text, "github": format_github, "json": format_json}


def run_validate(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    report = validate([Path(p) for p in args.paths], site, Path.cwd(), against=args.base or "")
    print("\n".join(FORMATS[args.format](report)))
    if args.format == "json":
        print(summary(report), file=sys.stderr)
    return 1 if report.errors else 0


# --- new -----------------------------------------------------------------------------


def claim_id_for(text: str, limit: int = MAX_ID_LENGTH) -> str:
    """The claim's slug, cut at a hyphen to at most ``limit`` characters."""
    slug = slugify(text)
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if "-" in slug[: limit + 1] else slug[:limit]


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
