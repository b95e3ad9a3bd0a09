"""The benchmark of record: our plugin against hand-written pages on plain MkDocs
(the equivalent site, and the claim pages alone).

    .venv/bin/python bench/run.py                    # N = 500, 2000
    .venv/bin/python bench/run.py --full             # N = 1000, 5000, 10000
    .venv/bin/python bench/run.py --sizes 500 --repeat 3 --serve-reload

See bench/README.md for what is measured and what each column means.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus import make_claims
from measure import BuildResult, compile_bytecode, run_build
from report import (
    SizeResult,
    bare_table,
    build_table,
    growth_lines,
    hooks_table,
    machine_lines,
    reload_table,
    warnings_lines,
)
from serve import make_serve_options, measure_reloads
from sites import CACHE_DIR, MARKDOWN_CACHE, write_bare, write_ours, write_plain

QUICK_SIZES = (500, 2000)
FULL_SIZES = (1000, 5000, 10000)
RELOAD_SIZE = 1000
WARM_UP_SIZE = 20
RESULTS = Path(__file__).with_name("RESULTS.md")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build-time benchmark: factcheck vs plain MkDocs.")
    parser.add_argument("--sizes", type=_sizes, default=QUICK_SIZES,
                        help="comma-separated claim counts (default: 500,2000)")
    parser.add_argument("--full", action="store_true", help="sizes 1000,5000,10000")
    parser.add_argument("--repeat", type=int, default=1, help="builds per site and size (median)")
    parser.add_argument("--serve-reload", action="store_true",
                        help=f"also time a live reload of `mkdocs serve` (at N={RELOAD_SIZE})")
    parser.add_argument("--reload-size", type=int, default=RELOAD_SIZE,
                        help=f"claims in the --serve-reload site (default {RELOAD_SIZE})")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the synthetic claims")
    parser.add_argument("--workdir", type=Path, help="keep the generated sites here (default: a temp dir)")
    parser.add_argument("--record", action="store_true", help=f"append the results to {RESULTS.name}")
    parser.add_argument("--workers", help="the plugin's workers option for our site (default: its default, auto)")
    args = parser.parse_args(argv)
    if args.full:
        args.sizes = FULL_SIZES
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("sizes must be numbers of at least 2")
    return sizes


@contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as temp:
        yield Path(temp)


def prepare(root: Path, n: int, seed: int, workers: str | None = None) -> tuple[Path, Path, Path]:
    """Write the three sites for N claims; returns their mkdocs.yml paths."""
    shutil.rmtree(root, ignore_errors=True)
    claims = make_claims(n, seed)
    (root / "plain").mkdir(parents=True)
    (root / "bare").mkdir(parents=True)
    return (write_ours(root / "ours", claims, workers), write_plain(root / "plain", claims),
            write_bare(root / "bare", claims))


def measure_size(root: Path, n: int, seed: int, repeat: int, workers: str | None = None) -> SizeResult:
    ours_config, plain_config, bare_config = prepare(root, n, seed, workers)
    ours: list[BuildResult] = []
    plain: list[BuildResult] = []
    bare: list[BuildResult] = []
    # Untimed: draws the share cards into the cache folder, as a CI cache would hold them.
    run_build(ours_config, root / "ours" / "site")
    for round_number in range(1, repeat + 1):
        # Alternate, so that machine noise hits all three sites alike.
        (root / "ours" / CACHE_DIR / MARKDOWN_CACHE).unlink(missing_ok=True)  # Markdown cold
        ours.append(run_build(ours_config, root / "ours" / "site", time_hooks=True))
        plain.append(run_build(plain_config, root / "plain" / "site"))
        bare.append(run_build(bare_config, root / "bare" / "site"))
        print(f"  N={n} round {round_number}/{repeat}: ours {ours[-1].wall_seconds:.2f} s, "
              f"plain {plain[-1].wall_seconds:.2f} s, bare {bare[-1].wall_seconds:.2f} s "
              f"(load average {os.getloadavg()[0]:.2f})",
              file=sys.stderr, flush=True)
    return SizeResult(n, ours, plain, bare)


def warm_up(root: Path, seed: int) -> None:
    """One untimed small build of each, so the first timed build does not pay for cold caches."""
    for config in prepare(root, WARM_UP_SIZE, seed):
        run_build(config, config.parent / "site")
    shutil.rmtree(root, ignore_errors=True)


def serve_reload(root: Path, n: int, seed: int, repeat: int) -> str:
    claims = make_claims(n, seed)
    shutil.rmtree(root, ignore_errors=True)
    config = write_ours(root, claims)
    full = run_build(config, root / "site")
    print(f"  serve: full build {full.wall_seconds:.2f} s; starting mkdocs serve", file=sys.stderr, flush=True)
    edited = claims[len(claims) // 2]
    # A copy of the site (warm caches included) per mode, served side by side.
    make_serve = make_serve_options()
    shutil.rmtree(root.parent / f"{root.name}-make", ignore_errors=True)
    shutil.copytree(root, root.parent / f"{root.name}-make", ignore=shutil.ignore_patterns("site"))
    modes = {"mkdocs serve": (config, []),
             " ".join(["make serve: mkdocs serve", *make_serve]): (root.parent / f"{root.name}-make" / config.name,
                                                                    make_serve)}
    return reload_table(n, full, measure_reloads(modes, edited, edits=max(3, repeat)))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    command = ".venv/bin/python bench/run.py " + shlex.join(argv)
    sections = [machine_lines(command.strip())]
    compile_bytecode()
    with workspace(args.workdir) as work:
        warm_up(work / "warm-up", args.seed)
        results = []
        for n in args.sizes:
            results.append(measure_size(work / f"n{n}", n, args.seed, args.repeat, args.workers))
            if args.workdir is None:
                shutil.rmtree(work / f"n{n}", ignore_errors=True)
            # The tables so far, so that a long run stopped at a larger N keeps the smaller ones.
            print("\n\n".join([build_table(results), bare_table(results), hooks_table(results)]) + "\n",
                  file=sys.stderr, flush=True)
        sections += [build_table(results), bare_table(results), growth_lines(results),
                     "Plugin hooks (seconds, median of the ours builds):", hooks_table(results),
                     warnings_lines(results), f"Load average at the end: {os.getloadavg()[0]:.2f}"]
        if args.serve_reload:
            sections += ["Live reload (`mkdocs serve`, one claim's summary edited; the modes alternate):",
                         serve_reload(work / f"serve-{args.reload_size}", args.reload_size,
                                      args.seed, args.repeat)]
    text = "\n\n".join(sections) + "\n"
    print(text)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as results_file:
            results_file.write("\n## Run\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
