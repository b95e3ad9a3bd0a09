"""The same synthetic site built three ways: MkDocs with the plugin, ProperDocs with the
plugin, and Zensical from the pages `factcheck generate` writes.

    .venv/bin/python bench/engines.py                 # N = 1000 claims, one build each
    .venv/bin/python bench/engines.py --n 300 --repeat 3

Each engine builds its own copy of the site (bench/sites.write_ours), cold: a fresh
folder and, for Zensical, `zensical build --clean` (no cache). Times are wall-clock
and CPU seconds of the command-line tools, as a site owner runs them; the table shows
the median of --repeat runs. Progress goes to stderr, the Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import make_claims
from sites import write_ours

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one command; CPU (user + system, all its threads and children)
    says more than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def build_once(root: Path, n: int, seed: int, run: int) -> dict[str, tuple[float, float]]:
    claims = make_claims(n, seed)
    times: dict[str, tuple[float, float]] = {}
    for engine in ("mkdocs", "properdocs"):
        site = write_ours(root / f"{engine}-{run}", claims).parent
        times[engine] = timed([str(BIN / engine), "build", "-q", "-d", str(site / "site")], site)
    site = write_ours(root / f"zensical-{run}", claims).parent
    times["generate"] = timed([str(BIN / "factcheck"), "generate"], site)
    times["zensical build"] = timed([str(BIN / "zensical"), "build", "--clean"], site)
    times["zensical"] = (times["generate"][0] + times["zensical build"][0],
                         times["generate"][1] + times["zensical build"][1])
    pages = {engine: sum(1 for _ in (root / f"{engine}-{run}" / "site").rglob("index.html"))
             for engine in ("mkdocs", "properdocs", "zensical")}
    if len(set(pages.values())) != 1:
        raise RuntimeError(f"the engines built different numbers of pages: {pages}")
    print(f"run {run + 1}: {times} ({pages['mkdocs']} pages each)", file=sys.stderr)
    return times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="claims in the site (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per engine (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="factcheck-engines-") as folder:
        runs = [build_once(Path(folder), args.n, args.seed, run) for run in range(args.repeat)]
    rows = [
        ("MkDocs 1.6 + plugin", "`mkdocs build`", "mkdocs"),
        ("ProperDocs + plugin", "`properdocs build`", "properdocs"),
        ("Zensical", "`factcheck generate` then `zensical build --clean`", "zensical"),
        ("  of which generate", "`factcheck generate`", "generate"),
        ("  of which Zensical", "`zensical build --clean`", "zensical build"),
    ]
    print(f"Build times at N = {args.n} claims (median of {args.repeat}; "
          f"`{shlex.join(['python', 'bench/engines.py', *argv])}`):\n")
    print("| engine | command | wall s | CPU s |\n| --- | --- | ---: | ---: |")
    for label, command, key in rows:
        wall = statistics.median(r[key][0] for r in runs)
        cpu = statistics.median(r[key][1] for r in runs)
        print(f"| {label} | {command} | {wall:.1f} | {cpu:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
