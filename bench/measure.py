"""One measured `mkdocs build` in a fresh subprocess, and what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from child import RESULT_PREFIX

CHILD = Path(__file__).with_name("child.py")
MIB = 1024 * 1024


@dataclass(frozen=True)
class BuildResult:
    wall_seconds: float  # the whole subprocess, interpreter start-up included
    build_seconds: float  # inside the process: `mkdocs build` only
    cpu_seconds: float  # user + system CPU of the process: less sensitive to a busy machine
    peak_mib: float
    site_mib: float
    search_index_mib: float
    html_pages: int
    hook_seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    workers_cpu_seconds: float = 0.0  # CPU of its worker processes (pools of parsing, pages, cards)
    workers_peak_mib: float = 0.0  # peak of the largest worker process

    @property
    def total_cpu_seconds(self) -> float:
        """The build's CPU with its workers': what a pool costs shows here, not in wall time."""
        return self.cpu_seconds + self.workers_cpu_seconds

    @property
    def plugin_seconds(self) -> float:
        return sum(self.hook_seconds.values())


def child_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run_build(config_file: Path, site_dir: Path, *, time_hooks: bool = False) -> BuildResult:
    command = [sys.executable, str(CHILD), str(config_file), str(site_dir)]
    if time_hooks:
        command.append("--time-hooks")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(),
                          cwd=config_file.parent, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"build of {config_file} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    report = _parse_report(done.stdout)
    return BuildResult(
        wall_seconds=wall,
        build_seconds=report["build_seconds"],
        cpu_seconds=report["cpu_seconds"],
        peak_mib=report["peak_kib"] / 1024,
        site_mib=tree_bytes(site_dir) / MIB,
        search_index_mib=_size(site_dir / "search" / "search_index.json") / MIB,
        html_pages=sum(1 for _ in site_dir.rglob("*.html")),
        hook_seconds={name: entry["seconds"] for name, entry in report["hooks"].items()},
        warnings=tuple(line for line in done.stderr.splitlines() if "WARNING" in line),
        workers_cpu_seconds=report.get("children_cpu_seconds", 0.0),
        workers_peak_mib=report.get("children_peak_kib", 0) / 1024,
    )


def _parse_report(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            report: dict[str, Any] = json.loads(line[len(RESULT_PREFIX):])
            return report
    raise RuntimeError(f"the build printed no {RESULT_PREFIX.strip()} line:\n{stdout[-2000:]}")


def tree_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0
