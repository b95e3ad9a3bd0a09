"""``factcheck links [PATH...]``: every URL the claim files cite, asked (``tools.linkcheck``);
one finding per URL that is not plainly fine, as text, GitHub annotations, JSON or Markdown."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from ..base.errors import ClaimError, UsageError
from ..project.site import read_site
from ..tools import linkcheck
from ..tools.linkcheck import (
    CACHE_PATH,
    FORMATS,
    KEEP_FOR,
    NOT_CACHED,
    Settings,
    allowed_hosts_option,
    claim_paths,
    collect,
    link_summary,
    load_cache,
    make_report,
    save_cache,
)
from .network import add_network_options

DESCRIPTION = ("Check every appearance, source url, archive_url and quote source of the claim files: "
               "report dead, moved and slow links with their file and line.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="claim files or folders (default: the site's claims_dir)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text",
                        help="text (default), github (annotations), json or markdown (a code block for an issue)")
    parser.add_argument("--timeout", type=float, default=Settings.timeout, metavar="SECONDS",
                        help="give up on one request after this long in all, redirects and reads included "
                             "(default: %(default)s)")
    parser.add_argument("--retries", type=int, default=Settings.retries,
                        help="ask again this many times after a timeout, 429 or 5xx (default: %(default)s)")
    parser.add_argument("--per-host", type=int, default=Settings.per_host, metavar="N",
                        help="at most N requests at a time to one host (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=Settings.concurrency, metavar="N",
                        help="at most N requests at a time in all (default: %(default)s)")
    parser.add_argument("--slow", type=float, default=Settings.slow, metavar="SECONDS",
                        help="report answers slower than this (default: %(default)s)")
    parser.add_argument("--max-age", type=float, default=24, metavar="HOURS",
                        help="reuse cached results younger than this; 0 checks everything again "
                             "(default: %(default)s)")
    parser.add_argument("--cache", metavar="FILE",
                        help=f"the results cache (default: {CACHE_PATH.as_posix()} beside mkdocs.yml)")
    parser.add_argument("--ignore-robots", action="store_true",
                        help="check URLs that robots.txt asks checkers to leave alone")
    add_network_options(parser, deadline=linkcheck.DEADLINE)
    parser.add_argument("--include-unpublished", action="store_true",
                        help="also check drafts, checks in review and embargoed checks (left out by default: "
                             "a request tells the cited server of a check before it is published)")


def run(args: argparse.Namespace) -> int:
    config = Path(args.config_file)
    site = read_site(config)
    if min(args.timeout, args.deadline) <= 0 or args.per_host < 1 or args.concurrency < 1 or min(
            args.retries, args.max_age, args.slow) < 0:
        raise UsageError("--timeout and --deadline must be above 0, --per-host and --concurrency at least 1, "
                         "--retries, --slow and --max-age 0 or more")
    allow = allowed_hosts_option(args.allow_host, site.allow_hosts)
    errors: list[ClaimError] = []
    files = claim_paths([Path(p) for p in args.paths], site.claims_dir, refused=errors, site_root=site.root)
    unpublished: list[str] = []
    citations, invalid = collect(files, Path.cwd(), site.scale, site.max_file_bytes,
                                 unpublished=None if args.include_unpublished else unpublished)
    errors += invalid
    settings = Settings(timeout=args.timeout, deadline=args.deadline, allow_hosts=allow, retries=args.retries,
                        per_host=args.per_host, concurrency=args.concurrency, slow=args.slow,
                        robots=not args.ignore_robots)
    cache_file = Path(args.cache) if args.cache else config.parent / CACHE_PATH
    now = time.time()
    cached = load_cache(cache_file, args.max_age * 3600, now) if args.max_age > 0 else {}
    wanted = list(dict.fromkeys(c.url for c in citations))
    todo = [url for url in wanted if url not in cached]
    progress = _Progress(sys.stderr.isatty() and not os.environ.get("CI"))
    try:
        fresh = asyncio.run(linkcheck.check_urls(todo, settings, progress)) if todo else {}
    finally:
        progress.close()
    results = {**cached, **fresh}
    # Keep what other runs (other files) learnt for a week; this run's answers replace theirs.
    try:
        kept = {url: result for url, result in fresh.items() if result.status not in NOT_CACHED}
        save_cache(cache_file, load_cache(cache_file, KEEP_FOR, now) | kept)
    except OSError as exc:  # a read-only checkout still gets its report
        print(f"warning: cannot write the cache {cache_file}: {exc.strerror}", file=sys.stderr)
    report = make_report(citations, results, errors, len(files) - len(unpublished), len(unpublished))
    print("\n".join(FORMATS[args.format](report)))
    if args.format == "json":
        print(link_summary(report), file=sys.stderr)
    return 1 if report.failed else 0


class _Progress:
    """``checked 12/40 links`` on one line of a terminal; silent elsewhere and in CI."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\rchecked {done}/{total} links")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
