"""``factcheck new "claim text"``: a claim file whose placeholders make ``validate`` list
exactly what is left to fill in (optional fields are there as comments)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

import yaml

from ..base.errors import UsageError, printable
from ..claims import urls
from ..claims.loader import CLAIM_SUFFIXES
from ..claims.model import claim_id_problem
from ..claims.scale import RatingScale
from ..claims.slugs import claim_id_for
from ..project.site import SCHEMA_PATH, read_site

DESCRIPTION = "Create claims/<id>.yml with every required field."
COMMENT_COLUMN = 48


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("claim", help="the claim, as it was made")
    parser.add_argument("--claimant", help="who made the claim")
    parser.add_argument("--verdict", help="a key of the rating scale")
    parser.add_argument("--id", help="the claim id (default: made from the claim text)")
    parser.add_argument("--dir", help="the claims folder (default: the site's claims_dir)")


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


def run(args: argparse.Namespace) -> int:
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
