"""Run one `mkdocs build` in this process and report its time and peak memory.

Used by run.py as a subprocess, one process per build, so ``ru_maxrss`` of
RUSAGE_SELF is this build's own peak. With ``--time-hooks`` every ``on_*``
method of FactcheckPlugin is wrapped with a timer before MkDocs loads the
plugin (monkeypatching in this process only; the plugin is not edited).

Prints one line ``BENCH-RESULT {json}`` on stdout.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from mkdocs.plugins import CombinedEvent

RESULT_PREFIX = "BENCH-RESULT "
HookTotals = dict[str, list[float]]  # hook name -> [seconds, calls]


def _timed(method: Callable[..., Any], name: str, totals: HookTotals) -> Callable[..., Any]:
    @functools.wraps(method)  # keeps mkdocs_priority and the signature MkDocs inspects
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            entry = totals.setdefault(name, [0.0, 0])
            entry[0] += time.perf_counter() - start
            entry[1] += 1

    return wrapper


def install_hook_timers() -> HookTotals:
    """Wrap every event hook the plugin defines (on_config, on_files, on_page_content, ...)."""
    from mkdocs_factcheck.plugin import FactcheckPlugin

    totals: HookTotals = {}
    for name, member in list(vars(FactcheckPlugin).items()):
        if name.startswith("on_") and isinstance(member, CombinedEvent):  # one event, several methods
            setattr(FactcheckPlugin, name, CombinedEvent(*(_timed(m, name, totals) for m in member.methods)))
        elif name.startswith("on_") and callable(member):
            setattr(FactcheckPlugin, name, _timed(member, name, totals))
    return totals


def skip_cards() -> None:
    """Build without share cards (for bench/cards.py's baseline): no card is drawn or written."""
    from mkdocs_factcheck.base import cards

    def start(self: cards.CardMaker, wanted: Any, fonts: Any, cache_dir: Any = None) -> cards.CardJob:
        return cards.CardJob(self, {}, [], tuple(fonts), None)

    cards.CardMaker.start = start  # type: ignore[method-assign]


def build(config_file: str, site_dir: str) -> None:
    from mkdocs.__main__ import cli

    cli.main(["build", "--quiet", "--config-file", config_file, "--site-dir", site_dir],
             prog_name="mkdocs", standalone_mode=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config_file")
    parser.add_argument("site_dir")
    parser.add_argument("--time-hooks", action="store_true")
    parser.add_argument("--no-cards", action="store_true", help="draw no share cards (a baseline)")
    args = parser.parse_args(argv)
    if args.no_cards:
        skip_cards()
    totals = install_hook_timers() if args.time_hooks else {}
    start = time.perf_counter()
    build(args.config_file, args.site_dir)
    build_seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "build_seconds": build_seconds,
        "peak_kib": usage.ru_maxrss,  # KiB on Linux
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the whole process, start-up included
        # Worker processes (parsing, rendering, share cards), once they have ended: their CPU,
        # and the peak of the largest one (forked: much of it shared with this process).
        "children_cpu_seconds": children.ru_utime + children.ru_stime,
        "children_peak_kib": children.ru_maxrss,
        "hooks": {name: {"seconds": s, "calls": int(n)} for name, (s, n) in totals.items()},
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
