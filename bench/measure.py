"""One measured `mkdocs build` in a fresh subprocess, and what it wrote.

Besides what the build process reports of itself (child.py), a thread here samples the
memory of its whole process tree (the build and every worker it starts) every
``SAMPLE_SECONDS`` from /proc: the sum of their resident sizes (RSS, which counts the
pages forked workers share with the build once per process) and of their proportional
set sizes (PSS, which shares those pages out: the memory the tree really takes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from child import RESULT_PREFIX

CHILD = Path(__file__).with_name("child.py")
MIB = 1024 * 1024
SAMPLE_SECONDS = 0.05


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
    tree_rss_mib: float = 0.0  # peak over samples of the RSS summed over the build and its workers
    tree_pss_mib: float = 0.0  # the same for PSS (shared pages shared out)
    cards: dict[str, float] = field(default_factory=dict)  # card drawing: cpu_seconds, cards, processes

    @property
    def total_cpu_seconds(self) -> float:
        """The build's CPU with its workers': what a pool costs shows here, not in wall time."""
        return self.cpu_seconds + self.workers_cpu_seconds

    @property
    def plugin_seconds(self) -> float:
        return sum(self.hook_seconds.values())


def compile_bytecode() -> None:
    """Write the plugin's bytecode, as pip does when it installs the package: a checkout
    installed in editable mode under PYTHONDONTWRITEBYTECODE (as on these machines) has none, and
    every build would compile the plugin's source again, which MkDocs' and material's (installed
    by pip, compiled) never are."""
    import compileall

    import mkdocs_factcheck

    compileall.compile_dir(Path(mkdocs_factcheck.__file__).parent, quiet=1)


def child_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run_build(config_file: Path, site_dir: Path, *, time_hooks: bool = False, phases: bool = False) -> BuildResult:
    command = [sys.executable, str(CHILD), str(config_file), str(site_dir)]
    if time_hooks:
        command.append("--time-hooks")
    if phases:
        command.append("--phases")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=child_env(), cwd=config_file.parent)
    sampler = TreeSampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
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
        # The build's own peak may fall between two samples: never below it.
        tree_rss_mib=max(sampler.peak_rss_kib, report["peak_kib"]) / 1024,
        tree_pss_mib=max(sampler.peak_pss_kib, 0) / 1024,
        cards=report.get("cards") or {},
    )


class TreeSampler(threading.Thread):
    """The peak, over samples, of the summed RSS and PSS (KiB) of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True, name="tree-sampler")
        self.pid = pid
        self.peak_rss_kib = 0
        self.peak_pss_kib = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            rss = pss = 0
            for pid in _tree(self.pid):
                sizes = _sizes_kib(pid)
                rss, pss = rss + sizes.get("Rss", 0), pss + sizes.get("Pss", 0)
            self.peak_rss_kib, self.peak_pss_kib = max(self.peak_rss_kib, rss), max(self.peak_pss_kib, pss)
            self._stopped.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc/<pid>/task/<tid>/children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as file:
                    queue.extend(int(child) for child in file.read().split())
        except OSError:
            continue  # it ended between two reads
    return found


def _sizes_kib(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in KiB (smaps_rollup: one read, Linux 4.14 and later)."""
    sizes: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as file:
            for line in file:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    sizes[name] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return sizes


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
