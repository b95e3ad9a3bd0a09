"""The build a desk's CI runs (issue 27): our site cold and warm against the bare claim pages.

    .venv/bin/python bench/ci.py                       # N = 400, 1000; the desk corpus
    .venv/bin/python bench/ci.py --full --repeat 3     # N = 400, 1000, 10000
    .venv/bin/python bench/ci.py --sizes 400 --corpus synthetic --workers 1

Cold is a fresh checkout: no site/, no .cache/ (no cache_dir, no share cards, no page
bodies, no record facts), so every card is drawn and every page rendered. Warm is what a CI
cache step gives the next build: .cache/ kept (the cards and page bodies in
.cache/plugin/factcheck/, or in cache_dir when ``--cache-dir`` sets one), site/ gone. The
bare site is the same claims as hand-written Markdown pages out of the nav (plain MkDocs +
Material, sites.write_bare). Builds alternate ours cold, bare, ours warm in each round; the
tables show medians. See bench/README.md for the columns.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import CORPORA
from measure import BuildResult, compile_bytecode, run_build
from report import machine_lines
from run import WARM_UP_SIZE, _sizes, workspace
from sites import write_bare, write_ours

SIZES = (400, 1000)
FULL_SIZES = (400, 1000, 10000)
# The goals of issue 27 (ours / bare): cold wall time (at 10,000: 0.7), total CPU, peak memory
# of the process tree at 10,000, warm wall time.
GOAL_COLD, GOAL_COLD_LARGE, GOAL_CPU, GOAL_PEAK, GOAL_WARM = 1.0, 0.7, 1.5, 1.2, 0.6
LARGE = 10_000


@dataclass(frozen=True)
class Round:
    cold: BuildResult
    bare: BuildResult
    warm: BuildResult


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="CI build benchmark: ours cold and warm vs bare claim pages.")
    parser.add_argument("--sizes", type=_sizes, default=SIZES, help="comma-separated claim counts (default 400,1000)")
    parser.add_argument("--full", action="store_true", help="sizes 400,1000,10000")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per size (median)")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="desk",
                        help="desk: 6 claimants, 8 experts, ~600-word claims (default); synthetic: run.py's")
    parser.add_argument("--workers", help="the plugin's workers option (default: its default, auto)")
    parser.add_argument("--cache-dir", help="the plugin's cache_dir option (default: none, as the issue's site)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated claims")
    parser.add_argument("--workdir", type=Path, help="keep the generated sites here (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.full:
        args.sizes = FULL_SIZES
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def prepare(root: Path, n: int, args: argparse.Namespace) -> tuple[Path, Path]:
    shutil.rmtree(root, ignore_errors=True)
    claims = CORPORA[args.corpus](n, args.seed)
    (root / "bare").mkdir(parents=True)
    return write_ours(root / "ours", claims, args.workers, args.cache_dir), write_bare(root / "bare", claims)


def measure_size(root: Path, n: int, args: argparse.Namespace) -> list[Round]:
    ours, bare = prepare(root, n, args)
    rounds = []
    for number in range(1, args.repeat + 1):
        shutil.rmtree(ours.parent / "site", ignore_errors=True)
        shutil.rmtree(ours.parent / ".cache", ignore_errors=True)  # a fresh checkout
        cold = run_build(ours, ours.parent / "site", phases=True)
        shutil.rmtree(bare.parent / "site", ignore_errors=True)
        bare_build = run_build(bare, bare.parent / "site")
        shutil.rmtree(ours.parent / "site", ignore_errors=True)  # .cache/ kept, as a CI cache restores it
        warm = run_build(ours, ours.parent / "site", phases=True)
        rounds.append(Round(cold, bare_build, warm))
        print(f"  N={n} round {number}/{args.repeat}: cold {cold.wall_seconds:.2f} s, bare "
              f"{bare_build.wall_seconds:.2f} s, warm {warm.wall_seconds:.2f} s (load average "
              f"{os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
    return rounds


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _of(rounds: Sequence[Round], side: str, value: Callable[[BuildResult], float]) -> float:
    return _median([value(getattr(r, side)) for r in rounds])


def _wall(r: BuildResult) -> float:
    return r.wall_seconds


def _cpu(r: BuildResult) -> float:
    return r.total_cpu_seconds


def _pss(r: BuildResult) -> float:
    return r.tree_pss_mib


def _rss(r: BuildResult) -> float:
    return r.tree_rss_mib


def summary_table(sizes: dict[int, list[Round]]) -> str:
    rows = ["| N | cold (s) | bare (s) | warm (s) | cold/bare | warm/bare | CPU s cold / warm / bare "
            "| CPU cold/bare | peak PSS MiB cold / bare (ratio) | peak RSS MiB cold / bare (ratio) "
            "| cards drawn cold / warm | HTML pages ours / bare |",
            "|" + " ---: |" * 12]
    for n, rounds in sizes.items():
        cold, bare, warm = (_of(rounds, side, _wall) for side in ("cold", "bare", "warm"))
        cpu = [_of(rounds, side, _cpu) for side in ("cold", "warm", "bare")]
        pss = [_of(rounds, side, _pss) for side in ("cold", "bare")]
        rss = [_of(rounds, side, _rss) for side in ("cold", "bare")]
        drawn = [int(_of(rounds, side, lambda r: r.cards.get("cards", 0))) for side in ("cold", "warm")]
        rows.append(f"| {n} | {cold:.2f} | {bare:.2f} | {warm:.2f} | {cold / bare:.2f} | {warm / bare:.2f} "
                    f"| {cpu[0]:.1f} / {cpu[1]:.1f} / {cpu[2]:.1f} | {cpu[0] / cpu[2]:.2f} "
                    f"| {pss[0]:.0f} / {pss[1]:.0f} ({pss[0] / pss[1]:.2f}) "
                    f"| {rss[0]:.0f} / {rss[1]:.0f} ({rss[0] / rss[1]:.2f}) "
                    f"| {drawn[0]} / {drawn[1]} | {rounds[-1].cold.html_pages} / {rounds[-1].bare.html_pages} |")
    return "\n".join(rows)


def goal_lines(sizes: dict[int, list[Round]]) -> str:
    lines = ["Goals (issue 27, ours / bare, medians):"]
    for n, rounds in sizes.items():
        bare = _of(rounds, "bare", _wall)
        cold_goal = GOAL_COLD_LARGE if n >= LARGE else GOAL_COLD
        checks = [("cold", _of(rounds, "cold", _wall) / bare, cold_goal),
                  ("warm", _of(rounds, "warm", _wall) / bare, GOAL_WARM),
                  ("CPU cold", _of(rounds, "cold", _cpu) / _of(rounds, "bare", _cpu), GOAL_CPU)]
        if n >= LARGE:
            checks.append(("peak PSS", _of(rounds, "cold", _pss) / _of(rounds, "bare", _pss), GOAL_PEAK))
        cells = ", ".join(f"{name} {ratio:.2f} (goal {goal:.1f}: {'met' if ratio <= goal else 'NOT met'})"
                          for name, ratio, goal in checks)
        lines.append(f"- N={n}: {cells}")
    return "\n".join(lines)


def phases_table(sizes: dict[int, list[Round]]) -> str:
    """Seconds in each phase of our builds (cold | warm); phases nest (see bench/README.md)."""
    names = sorted({name for rounds in sizes.values() for r in rounds for b in (r.cold, r.warm)
                    for name in b.hook_seconds}, key=_phase_order)
    head = "| phase | " + " | ".join(f"N={n} cold | N={n} warm" for n in sizes) + " |"
    rows = [head, "| --- |" + " ---: |" * (2 * len(sizes))]
    for name in names:
        cells = " | ".join(f"{_of(rounds, side, lambda r, name=name: r.hook_seconds.get(name, 0.0)):.2f}"
                           for rounds in sizes.values() for side in ("cold", "warm"))
        rows.append(f"| {_phase_name(name)} | {cells} |")
    for label, value in (("cards: drawing CPU s, all processes", lambda r: r.cards.get("cpu_seconds", 0.0)),
                         ("cards: processes that drew", lambda r: r.cards.get("processes", 0.0)),
                         ("in-process build (s)", lambda r: r.build_seconds),
                         ("workers' CPU s", lambda r: r.workers_cpu_seconds)):
        cells = " | ".join(f"{_of(rounds, side, value):.2f}" for rounds in sizes.values() for side in ("cold", "warm"))
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


def _phase_name(name: str) -> str:
    return name if ":" in name else f"factcheck: {name}"


def _phase_order(name: str) -> tuple[int, str]:
    group = _phase_name(name).split(":")[0]
    return (["factcheck", "mkdocs", "theme", "search", "cards"].index(group)
            if group in ("factcheck", "mkdocs", "theme", "search", "cards") else 9, name)


def warm_up(root: Path, args: argparse.Namespace) -> None:
    """One untimed small build of each, so the first timed build does not pay for cold file caches."""
    for config in prepare(root, WARM_UP_SIZE, args):
        run_build(config, config.parent / "site")
    shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sections = [machine_lines((".venv/bin/python bench/ci.py " + shlex.join(argv)).strip()),
                f"Corpus: {args.corpus}; our site: workers {args.workers or 'auto (default)'}, "
                f"cache_dir {args.cache_dir or 'none (cards and page bodies in .cache/plugin/factcheck/)'}; "
                f"{args.repeat} round(s) per size"]
    results: dict[int, list[Round]] = {}
    compile_bytecode()
    with workspace(args.workdir) as work:
        warm_up(work / "warm-up", args)
        for n in args.sizes:
            results[n] = measure_size(work / f"n{n}", n, args)
            if args.workdir is None:
                shutil.rmtree(work / f"n{n}", ignore_errors=True)
            print(summary_table(results) + "\n", file=sys.stderr, flush=True)
    sections += [summary_table(results), goal_lines(results),
                 "Phases of our builds (seconds, medians; they nest):", phases_table(results),
                 f"Load average at the end: {os.getloadavg()[0]:.2f}"]
    print("\n\n".join(sections) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
