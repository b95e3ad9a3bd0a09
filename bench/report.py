"""Markdown tables of the measured builds."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from measure import BuildResult
from serve import ReloadResult


@dataclass(frozen=True)
class SizeResult:
    n: int
    ours: list[BuildResult]
    plain: list[BuildResult]
    bare: list[BuildResult]


def _median(results: Sequence[BuildResult], value: Callable[[BuildResult], float]) -> float:
    return statistics.median(value(result) for result in results)


def _cpu(results: Sequence[BuildResult]) -> float:
    return _median(results, lambda r: r.total_cpu_seconds)


def _share(result: BuildResult) -> float:
    return 100 * result.plugin_seconds / result.build_seconds


def build_table(sizes: Sequence[SizeResult]) -> str:
    head = ("| N | ours (s) | plain (s) | ours/plain | CPU s ours/plain (ratio) | ours: workers' CPU s "
            "| plugin share | peak MiB ours/plain | ours: largest worker's peak MiB | site MiB ours/plain "
            "| search index MiB ours/plain | HTML pages ours/plain |")
    rule = "|" + " ---: |" * 12
    rows = [head, rule]
    for size in sizes:
        ours = _median(size.ours, lambda r: r.wall_seconds)
        plain = _median(size.plain, lambda r: r.wall_seconds)
        rows.append(
            f"| {size.n} | {ours:.2f} | {plain:.2f} | {ours / plain:.2f} "
            f"| {_cpu(size.ours):.1f} / {_cpu(size.plain):.1f} ({_cpu(size.ours) / _cpu(size.plain):.2f}) "
            f"| {_median(size.ours, lambda r: r.workers_cpu_seconds):.1f} "
            f"| {_median(size.ours, _share):.0f}% "
            f"| {_median(size.ours, lambda r: r.peak_mib):.0f} / {_median(size.plain, lambda r: r.peak_mib):.0f} "
            f"| {_median(size.ours, lambda r: r.workers_peak_mib):.0f} "
            f"| {size.ours[-1].site_mib:.1f} / {size.plain[-1].site_mib:.1f} "
            f"| {size.ours[-1].search_index_mib:.1f} / {size.plain[-1].search_index_mib:.1f} "
            f"| {size.ours[-1].html_pages} / {size.plain[-1].html_pages} |")
    return "\n".join(rows)


def bare_table(sizes: Sequence[SizeResult]) -> str:
    """Our whole site against the claim pages alone, beside the equivalent-site ratio."""
    head = ("| N | ours (s) | bare claim pages (s) | ours/bare | ours/plain (equivalent site) "
            "| CPU s ours/bare (ratio) | peak MiB ours/bare (ratio) | HTML pages ours/bare |")
    rows = [head, "|" + " ---: |" * 8]
    for size in sizes:
        ours = _median(size.ours, lambda r: r.wall_seconds)
        bare = _median(size.bare, lambda r: r.wall_seconds)
        plain = _median(size.plain, lambda r: r.wall_seconds)
        peak_ours = _median(size.ours, lambda r: r.peak_mib)
        peak_bare = _median(size.bare, lambda r: r.peak_mib)
        rows.append(
            f"| {size.n} | {ours:.2f} | {bare:.2f} | {ours / bare:.2f} | {ours / plain:.2f} "
            f"| {_cpu(size.ours):.1f} / {_cpu(size.bare):.1f} ({_cpu(size.ours) / _cpu(size.bare):.2f}) "
            f"| {peak_ours:.0f} / {peak_bare:.0f} ({peak_ours / peak_bare:.2f}) "
            f"| {size.ours[-1].html_pages} / {size.bare[-1].html_pages} |")
    return "\n".join(rows)


def growth_lines(sizes: Sequence[SizeResult]) -> str:
    """time(largest)/time(smallest) divided by N(largest)/N(smallest): 1.0 is linear."""
    if len(sizes) < 2:
        return "Growth factor: needs at least two sizes."
    small, large = min(sizes, key=lambda s: s.n), max(sizes, key=lambda s: s.n)

    def growth(site: str, value: Callable[[BuildResult], float]) -> float:
        ratio = _median(getattr(large, site), value) / _median(getattr(small, site), value)
        return ratio / (large.n / small.n)

    def wall(r: BuildResult) -> float:
        return r.wall_seconds

    def cpu(r: BuildResult) -> float:
        return r.total_cpu_seconds

    def times(site: str) -> float:
        return _median(getattr(large, site), wall) / _median(getattr(small, site), wall)

    return (f"Growth factor N={small.n} -> N={large.n} (time ratio / N ratio, 1.00 = linear): "
            f"wall time: ours {growth('ours', wall):.2f}, plain {growth('plain', wall):.2f}, "
            f"bare {growth('bare', wall):.2f}; "
            f"CPU time: ours {growth('ours', cpu):.2f}, plain {growth('plain', cpu):.2f}, "
            f"bare {growth('bare', cpu):.2f}. "
            f"Time ratio t({large.n})/t({small.n}): ours {times('ours'):.2f}, plain {times('plain'):.2f}, "
            f"bare {times('bare'):.2f}")


def hooks_table(sizes: Sequence[SizeResult]) -> str:
    names = sorted({name for size in sizes for r in size.ours for name in r.hook_seconds})
    rows = ["| N | in-process build (s) | " + " | ".join(names) + " | plugin total (s) |",
            "|" + " ---: |" * (len(names) + 3)]
    for size in sizes:
        cells = " | ".join(f"{_hook_seconds(size.ours, name):.2f}" for name in names)
        rows.append(f"| {size.n} | {_median(size.ours, lambda r: r.build_seconds):.2f} | {cells} "
                    f"| {_median(size.ours, lambda r: r.plugin_seconds):.2f} |")
    return "\n".join(rows)


def _hook_seconds(results: Sequence[BuildResult], name: str) -> float:
    return statistics.median(result.hook_seconds.get(name, 0.0) for result in results)


def warnings_lines(sizes: Sequence[SizeResult]) -> str:
    found = [f"- N={s.n}: {w}" for s in sizes for r in (*s.ours, *s.plain, *s.bare) for w in r.warnings]
    return "\n".join(["Build warnings:", *found[:10]]) if found else "No build warnings."


def reload_table(n: int, full_build: BuildResult, modes: dict[str, Sequence[ReloadResult]]) -> str:
    rows = [
        "| mode | N | full `mkdocs build` (s) | first build in serve (s) | edit -> reloaded (s) "
        "| rebuild as logged (s) | reload / full build | edits | new text served | load average |",
        "| --- |" + " ---: |" * 7 + " --- | ---: |",
    ]
    for mode, reloads in modes.items():
        edit = statistics.median(r.edit_to_reload_seconds for r in reloads)
        rebuild = statistics.median(r.rebuild_seconds for r in reloads)
        verified = "yes" if all(r.verified for r in reloads) else "NO"
        rows.append(f"| `{mode}` | {n} | {full_build.wall_seconds:.2f} | {reloads[0].first_build_seconds:.2f} "
                    f"| {edit:.2f} | {rebuild:.2f} | {edit / full_build.wall_seconds:.2f} | {len(reloads)} "
                    f"| {verified} | {statistics.median(r.load for r in reloads):.2f} |")
    return "\n".join(rows)


def machine_lines(command: str) -> str:
    date = subprocess.run(["date"], capture_output=True, text=True, check=False).stdout.strip()
    return "\n".join([
        f"- date: {date}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {_memory_gib():.1f} GiB memory, "
        f"{platform.system()} {platform.release()}, {platform.processor() or platform.machine()}, "
        f"load average at start {os.getloadavg()[0]:.2f}",
        f"- software: Python {platform.python_version()}, mkdocs {version('mkdocs')}, "
        f"mkdocs-material {version('mkdocs-material')}, mkdocs-factcheck {version('mkdocs-factcheck')}",
        f"- plugin code: {_git_state()}",
        f"- command: `{command}`",
    ])


def _git_state() -> str:
    """The commit the plugin was measured at, and whether plugins/ had uncommitted edits."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("log", "-1", "--format=%h %s")
    if not commit:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--", "plugins")
    return f"git {commit}" + (" (plus uncommitted changes in plugins/)" if dirty else "")


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")
