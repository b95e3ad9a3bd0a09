"""Run one `mkdocs build` in this process and report its time and peak memory.

Used by run.py and ci.py as a subprocess, one process per build, so ``ru_maxrss`` of
RUSAGE_SELF is this build's own peak. With ``--time-hooks`` every ``on_*``
method of FactcheckPlugin is wrapped with a timer before MkDocs loads the
plugin (monkeypatching in this process only; the plugin is not edited). With
``--phases`` also the phases around it: MkDocs reading the pages, the theme
rendering them, Material's search plugin, and the share cards (drawing, in whichever
process draws them, and the build's wait for them at the end).

Prints one line ``BENCH-RESULT {json}`` on stdout.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import sys
import tempfile
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


def _timed_function(module: Any, name: str, label: str, totals: HookTotals) -> None:
    setattr(module, name, _timed(getattr(module, name), label, totals))


def install_phase_timers(totals: HookTotals, card_log: str) -> None:
    """Timers around what is not a factcheck hook (each phase's seconds, summed over calls;
    phases nest: a page's build includes the theme's rendering and the hooks it calls)."""
    import jinja2
    from material.plugins.search.plugin import SearchPlugin
    from mkdocs.commands import build
    from mkdocs_factcheck.base import cards

    _timed_function(build, "_populate_page", "mkdocs: read pages (Markdown, page hooks)", totals)
    _timed_function(build, "_build_page", "mkdocs: build pages (theme, page hooks)", totals)
    in_page = {"depth": 0}
    page_build = build._build_page

    @functools.wraps(page_build)
    def marked(*args: Any, **kwargs: Any) -> Any:
        in_page["depth"] += 1
        try:
            return page_build(*args, **kwargs)
        finally:
            in_page["depth"] -= 1

    build._build_page = marked  # type: ignore[assignment]
    render = jinja2.Template.render

    def theme_render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        if not in_page["depth"]:
            return render(self, *args, **kwargs)
        start = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            entry = totals.setdefault("theme: render pages", [0.0, 0])
            entry[0] += time.perf_counter() - start
            entry[1] += 1

    jinja2.Template.render = theme_render  # type: ignore[method-assign]
    for name, member in list(vars(SearchPlugin).items()):
        if name.startswith("on_") and callable(member):
            setattr(SearchPlugin, name, _timed(member, f"search: {name}", totals))
    # The share cards: drawn in worker processes too, which write their CPU seconds to a file
    # of their own (forked from this process, they inherit the wrapper).
    draw_batch = cards._draw_batch

    @functools.wraps(draw_batch)
    def logged(batch: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return draw_batch(batch, *args, **kwargs)
        finally:
            with open(os.path.join(card_log, f"{os.getpid()}.txt"), "a", encoding="ascii") as file:
                file.write(f"{time.process_time() - start} {len(batch)}\n")

    cards._draw_batch = logged  # type: ignore[assignment]
    cards.CardJob.write = _timed(cards.CardJob.write, "cards: wait and write at the end", totals)


def card_totals(card_log: str) -> dict[str, float]:
    """CPU seconds spent drawing cards, the cards drawn and the processes that drew them."""
    seconds, drawn, processes = 0.0, 0, 0
    for name in os.listdir(card_log):
        with open(os.path.join(card_log, name), encoding="ascii") as file:
            lines = [line.split() for line in file]
        counted = sum(int(count) for _, count in lines)
        processes += counted > 0  # the build process calls it with no cold card too
        seconds, drawn = seconds + sum(float(cpu) for cpu, _ in lines), drawn + counted
    return {"cpu_seconds": seconds, "cards": drawn, "processes": processes}


def skip_cards() -> None:
    """Build without share cards (for bench/cards.py's baseline): no card is drawn or written."""
    from mkdocs_factcheck.base import cards

    def start(self: cards.CardMaker, wanted: Any, fonts: Any, cache_dir: Any = None, fallback: Any = None,
              **options: Any) -> cards.CardJob:
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
    parser.add_argument("--phases", action="store_true", help="also time MkDocs, the theme, search and cards")
    parser.add_argument("--no-cards", action="store_true", help="draw no share cards (a baseline)")
    args = parser.parse_args(argv)
    if args.no_cards:
        skip_cards()
    totals = install_hook_timers() if args.time_hooks or args.phases else {}
    with tempfile.TemporaryDirectory(prefix="bench-cards-") as card_log:
        if args.phases:
            install_phase_timers(totals, card_log)
        start = time.perf_counter()
        build(args.config_file, args.site_dir)
        build_seconds = time.perf_counter() - start
        cards = card_totals(card_log) if args.phases else {}
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
        "cards": cards,
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
