"""Bench case: heavy source sharing (issue 10, item 8).

Every claim cites the same 200 sources, the shape that made the build quadratic
(66 s at 1,000 claims, 256 s at 2,000: each citation searched the list of claims
already citing its URL). Sources are now indexed by URL once, so the build should
grow with the number of citations, not their square.

    .venv/bin/python bench/shared_sources.py                  # N = 500, 1000, 2000
    .venv/bin/python bench/shared_sources.py --sizes 1000 --sources 200

Prints one Markdown table row per size: build time (median of --repeat runs, in a
fresh process each) and the plugin's share of it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from corpus import Source, make_claims
from measure import run_build
from sites import write_ours


def shared_site(root: Path, n: int, sources: int, seed: int) -> Path:
    """N synthetic claims, each citing the same ``sources`` documents."""
    shared = [Source(f"Shared report {i}", f"https://reports.example.org/{i}", "Shared Publisher",
                     make_claims(1, seed)[0].published) for i in range(sources)]
    claims = [replace(claim, sources=shared) for claim in make_claims(n, seed)]
    return write_ours(root, claims)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,1000,2000", help="claim counts, comma-separated")
    parser.add_argument("--sources", type=int, default=200, help="sources every claim cites")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    print("| claims | shared sources each | build (s) | plugin hooks (s) |\n| ---: | ---: | ---: | ---: |")
    for n in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-shared-") as folder:
            config = shared_site(Path(folder), n, args.sources, args.seed)
            runs = [run_build(config, Path(folder) / "site", time_hooks=True) for _ in range(args.repeat)]
        build = statistics.median(r.build_seconds for r in runs)
        hooks = statistics.median(r.plugin_seconds for r in runs)
        print(f"| {n:,} | {args.sources} | {build:.1f} | {hooks:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
