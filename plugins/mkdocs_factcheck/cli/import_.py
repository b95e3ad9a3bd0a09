"""``factcheck import SOURCE...``: claim files written from another site's ClaimReview
markup (``tools.importer``); nothing at all written when any review cannot be carried over."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..base.errors import UsageError, printable
from ..project.site import SCHEMA_PATH, read_site
from ..tools.importer import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_REVIEWS,
    DEFAULT_TIMEOUT,
    STATUSES,
    Network,
    already_imported,
    draft,
    gather,
    parse_mapping,
    plan,
    review_url,
    write_all,
)
from ..tools.linkcheck import allowed_hosts_option, display
from .network import add_network_options

DESCRIPTION = ("Read ClaimReview from HTML pages (JSON-LD, microdata), JSON files and DataFeeds, and write "
               "one claim file per review. Unmapped ratings are reported and nothing is written.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="HTML or JSON files, or http(s) URLs")
    parser.add_argument("--map", action="append", metavar="LABEL=KEY",
                        help='a rating label and the verdict key it becomes, e.g. "Pants on Fire=false" (repeat it)')
    parser.add_argument("--map-file", action="append", metavar="FILE",
                        help="a YAML or JSON file of `Rating label: verdict-key` lines")
    parser.add_argument("--dir", help="where to write the claim files (default: the site's claims_dir)")
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                        help="refuse a source larger than this (default: %(default)s)")
    parser.add_argument("--max-reviews", type=int, default=DEFAULT_MAX_REVIEWS, metavar="N",
                        help="refuse more reviews than this in one run (default: %(default)s)")
    parser.add_argument("--status", choices=STATUSES, default="draft",
                        help="the status of the claim files written (default: %(default)s: review them first)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="give up on one URL after this long, redirects and reading included "
                             "(default: %(default)s)")
    add_network_options(parser, deadline=DEFAULT_DEADLINE)


def run(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    if min(args.timeout, args.deadline) <= 0 or min(args.max_bytes, args.max_reviews) < 1:
        raise UsageError("--timeout and --deadline must be above 0, --max-bytes and --max-reviews at least 1")
    network = Network(args.timeout, args.deadline, allowed_hosts_option(args.allow_host, site.allow_hosts))
    mapping = parse_mapping(args.map or [], args.map_file or [], site.scale)
    folder = Path(args.dir) if args.dir else Path(display(site.claims_dir))
    found, problems = gather(args.sources, args.max_bytes, args.max_reviews, network)
    cited = already_imported(folder, site.scale, site.max_file_bytes)
    skipped = [f"already imported: {cited[review_url(f)]} cites {review_url(f)}" for f in found
               if review_url(f) in cited]
    drafts = [draft(f, mapping) for f in found if review_url(f) not in cited]
    for d in drafts:
        d.data["status"] = args.status
    for d in drafts:
        problems += [str(p) for p in d.problems]
    unmapped = Counter(d.label for d in drafts if d.label and not d.data.get("verdict"))
    for label, count in sorted(unmapped.items()):
        problems.append(f"unmapped rating {label!r} ({_counted(count, 'review')}): "
                        f"add --map \"{label}=KEY\" with KEY one of: {', '.join(site.scale.keys)}")
    if not found and not problems:
        problems.append("no ClaimReview found in " + ", ".join(args.sources))
    schema = Path(args.config_file).parent / SCHEMA_PATH
    files, invalid = ({}, []) if problems else plan(drafts, folder, schema, site.scale, site.max_file_bytes)
    problems += invalid
    if problems:
        print("\n".join(printable(problem) for problem in problems))  # names and labels from others' files
        print(f"nothing written: {_counted(len(problems), 'problem')}")
        return 1
    if not args.dry_run:
        try:
            write_all(files)
        except OSError as exc:
            print(f"error: {exc}; nothing written")
            return 1
    verb = "would write" if args.dry_run else "wrote"
    for (path, _), d in zip(files.items(), drafts, strict=True):
        print(f"{verb} {path.as_posix()} ({d.data['sources'][0]['url']})")
    for line in skipped:
        print(line)
    for name, count in sorted(Counter(name for d in drafts for name in dict.fromkeys(d.dropped)).items()):
        print(f"not carried over: {name} ({_counted(count, 'review')})")
    for note, count in sorted(Counter(note for d in drafts for note in d.notes).items()):
        print(f"note: {note} ({_counted(count, 'review')})")
    done = "would be written" if args.dry_run else "written"
    print(f"{_counted(len(files), 'claim file')} {done} from {_counted(len(args.sources), 'source')}"
          + (f" as status: {args.status} (review each, then publish it)" if args.status != "published" and files
             else ""))
    return 0


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
