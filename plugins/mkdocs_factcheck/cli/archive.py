"""``factcheck archive [PATH...]``: Internet Archive captures added as ``archive_url``
(``tools.archive``); the diff shown, and applied with ``--write``."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import sys
from pathlib import Path

from ..base.errors import ClaimError, UsageError, printable
from ..claims import editorial
from ..claims.loader import parse_claim
from ..project.site import read_site
from ..tools.archive import (
    AVAILABILITY_API,
    DEADLINE,
    WAYBACK,
    Endpoints,
    Options,
    archived_text,
    find_captures,
    missing_archives,
    unchanged_but_inserted,
    write_in_place,
)
from ..tools.linkcheck import allowed_hosts_option, claim_paths, display, read_claim_file
from .network import add_network_options

DESCRIPTION = ("For each source without archive_url, find a capture on the Internet Archive (and with "
               "--save, ask for one) and add it to the claim file. Shows the diff; --write applies it.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="claim files or folders (default: the site's claims_dir)")
    parser.add_argument("--write", action="store_true", help="change the files (default: only show the diff)")
    parser.add_argument("--save", action="store_true",
                        help="ask Save Page Now for a capture when there is none "
                             "(needs IA_ACCESS_KEY and IA_SECRET_KEY)")
    parser.add_argument("--availability-api", default=AVAILABILITY_API, metavar="URL",
                        help="the Wayback availability API (default: %(default)s)")
    parser.add_argument("--wayback", default=WAYBACK, metavar="URL",
                        help="the Wayback Machine, for Save Page Now and capture URLs (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="give up on one request after this long, redirects and reads included "
                             "(default: %(default)s)")
    parser.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                        help="how often to ask whether a save has finished (default: %(default)s)")
    parser.add_argument("--save-timeout", type=float, default=120.0, metavar="SECONDS",
                        help="how long to wait for one save (default: %(default)s)")
    parser.add_argument("--include-unpublished", action="store_true",
                        help="also archive the sources of drafts, checks in review and embargoed checks (left "
                             "out by default: the archive would learn of a check before it is published)")
    add_network_options(parser, deadline=DEADLINE)


def run(args: argparse.Namespace) -> int:
    site = read_site(Path(args.config_file))
    if min(args.timeout, args.deadline, args.save_timeout) <= 0 or args.poll < 0:
        raise UsageError("--timeout, --deadline and --save-timeout must be above 0, --poll 0 or more")
    allow = allowed_hosts_option(args.allow_host, site.allow_hosts)
    auth = ""
    if args.save:
        access, secret = os.environ.get("IA_ACCESS_KEY", ""), os.environ.get("IA_SECRET_KEY", "")
        if not access or not secret:
            raise UsageError("--save needs your Internet Archive S3 keys in IA_ACCESS_KEY and IA_SECRET_KEY "
                             "(https://archive.org/account/s3.php)")
        auth = f"{access}:{secret}"
    refused: list[ClaimError] = []
    # Relative to the working folder: the names shown in diffs and messages.
    files = [Path(display(p)) for p in claim_paths([Path(p) for p in args.paths], site.claims_dir,
                                                    refused=refused, site_root=site.root)]
    problems: list[str] = [f"{e} (not archived)" for e in refused]
    texts: dict[Path, tuple[bytes, str]] = {}
    wanted: list[str] = []
    unpublished = 0
    today = editorial.build_date()
    for path in files:
        unreadable: list[ClaimError] = []
        raw = read_claim_file(path, path.as_posix(), site.max_file_bytes, unreadable)
        if raw is None:
            problems += [str(e) for e in unreadable]
            continue
        result = parse_claim(raw, path.as_posix(), path.stem, site.scale, site.max_file_bytes)
        if result.errors:
            problems += [f"{e} (not archived: fix the file first)" for e in result.errors]
            continue
        if (not args.include_unpublished and result.claim
                and editorial.stage(result.claim, today) not in editorial.PUBLIC_STAGES):
            unpublished += 1  # asking a public archive about its sources would tell of it
            continue
        text = raw.decode("utf-8-sig")
        texts[path] = (raw, text)
        wanted += [m.url for m in missing_archives(path, text)]
    options = Options(Endpoints(args.availability_api, args.wayback), args.save, auth,
                      timeout=args.timeout, poll=args.poll, patience=args.save_timeout, deadline=args.deadline,
                      allow_hosts=allow)
    urls = list(dict.fromkeys(wanted))
    captures, lacking = asyncio.run(find_captures(urls, options)) if urls else ({}, {})
    changed = 0
    by_hand: list[str] = []  # said, but not a failure: the capture is there to copy
    for path, (raw, text) in texts.items():
        new, notes = archived_text(path, text, captures)
        by_hand += notes
        if new == text:
            continue
        if not unchanged_but_inserted(text, new) or parse_claim(
                new.encode("utf-8"), path.as_posix(), path.stem, site.scale, site.max_file_bytes).errors:
            problems.append(f"{path.as_posix()}: the archive_url lines could not be added cleanly; add them by hand")
            continue
        changed += 1
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                                   f"a/{printable(path.as_posix())}",
                                                   f"b/{printable(path.as_posix())}"))
        if args.write:
            bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
            write_in_place(path, bom + new.encode("utf-8"))
    for url, reason in sorted(lacking.items()):
        print(printable(f"no capture for {url}: {reason}"), file=sys.stderr)
    for problem in [*by_hand, *problems]:  # file names and answers from others' servers: escaped
        print(printable(problem), file=sys.stderr)
    verb = "changed" if args.write else "would change (run with --write to apply)"
    left_out = (f"; {unpublished} unpublished check{'s' if unpublished != 1 else ''} left out "
                "(--include-unpublished archives them)") if unpublished else ""
    print(f"{len(urls)} sources without archive_url: {len(captures)} captures found; "
          f"{changed} file{'s' if changed != 1 else ''} {verb}{left_out}", file=sys.stderr)
    failed = problems or any(not reason.startswith("no capture yet") for reason in lacking.values())
    return 1 if failed else 0
