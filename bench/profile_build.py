"""Profile one build of our site with cProfile and print where the plugin spends its time.

    .venv/bin/python bench/profile_build.py --n 2000 [--top 25] [--workdir DIR]

Prints the factcheck functions by cumulative time, then the whole build's
functions by own time. cProfile slows Python code down (roughly 1.5-2x), so
read the proportions, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

from child import build
from corpus import make_claims
from sites import write_ours


def profile(config_file: Path, site_dir: Path) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    build(str(config_file), str(site_dir))
    profiler.disable()
    return pstats.Stats(profiler, stream=io.StringIO())


def printed(stats: pstats.Stats, sort: str, top: int, *restrictions: str) -> str:
    stream = io.StringIO()
    stats.stream = stream  # type: ignore[attr-defined]
    stats.sort_stats(sort).print_stats(*restrictions, top)
    return stream.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory(prefix="factcheck-profile-") as temp:
        root = (args.workdir or Path(temp)) / f"profile-{args.n}"
        shutil.rmtree(root, ignore_errors=True)
        config = write_ours(root, make_claims(args.n, args.seed))
        os.chdir(root)
        stats = profile(config, root / "site")
    print(f"== factcheck functions by cumulative time (N={args.n}) ==")
    print(printed(stats, "cumulative", args.top, "mkdocs_factcheck"))
    print("== whole build by own time ==")
    print(printed(stats, "tottime", args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
