"""Independent work over many items, in forked worker processes, results in input order.

A claim's parsing, or a page's rendering, needs nothing from the others: a ``Job`` maps
a function over the items in worker processes started with ``fork``, so the workers
inherit the function, the items and everything they reach (settings, templates, the
catalog) without pickling; only results travel back. Where no pool can start (no
``fork`` on the platform, a sandbox refusing processes, a daemon process, a worker
that died), or where it would not pay (few items), the same function runs here, item
by item, so the results are the same either way. Items whose worker raised are done
again here, one by one, so an exception is raised where and as one process raises it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any, Generic, TypeVar

# Under MkDocs, shown with `mkdocs build -v`.
log = logging.getLogger("mkdocs.plugins.factcheck.parallel")
T = TypeVar("T")
R = TypeVar("R")

AUTO = "auto"
# With workers: auto, below this many items starting processes costs more than it saves.
PARALLEL_FROM = 64
CHUNKS_PER_WORKER = 8  # small chunks: the first results are ready soon, and workers end together

# What the pool being started works on: forked workers inherit it (nothing is pickled).
_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers_option(value: Any) -> int | None:
    """The ``workers`` option as a site writes it: None for ``auto``, else its number. Raises
    ValueError naming the option and what to write."""
    if value == AUTO:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(f"workers is {value!r}; write auto (one process per CPU this build may use) "
                     "or a whole number of at least 1 (1: one process)")


def cpus() -> int:
    """CPUs this process may use (its affinity, where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(option: int | None, items: int, busy: int = 0) -> int:
    """How many processes to use for ``items`` items: ``option`` as the site set it
    (None: auto, one per usable CPU not ``busy`` with other work, when there are enough
    items to pay for them)."""
    if option is None:
        option = cpus() - busy if items >= PARALLEL_FROM else 1
    return max(1, min(option, items))


# Page bodies (issue 27): on 2 CPUs a pool of them lost wall and CPU time at 400 and 1,000 claims,
# the main process and the share cards' workers keeping both CPUs busy already. With auto, bodies
# get the CPUs beyond those two, for this many pages or more.
BODIES_FROM = 1000
BUSY_ELSEWHERE = 2


def body_worker_count(option: int | None, items: int) -> int:
    """How many processes render page bodies: ``option`` as the site set it; with auto, the usable
    CPUs beyond the main process's and the cards' (one: none), for enough pages."""
    if option is None:
        option = cpus() - BUSY_ELSEWHERE if items >= BODIES_FROM else 1
    return max(1, min(option, items))


# Processes working beside the build (share cards, search parses) run at this niceness: on two
# CPUs the build's process, the critical path, keeps one to itself and they share the other.
BESIDE_NICENESS = 10


def yield_to_the_build() -> None:
    """Called in a worker process that works beside the build: it takes the CPU the build leaves."""
    with contextlib.suppress(AttributeError, OSError):  # no priorities on the platform, or not allowed
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), BESIDE_NICENESS))


def can_fork() -> bool:
    """Whether worker processes can be forked from this one."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


class Job(Generic[T, R]):
    """``fn`` over ``items`` with ``workers`` processes, started at once; ``get(i)`` waits for
    item i's result. Without workers (one process, a pool that could not start, a worker that
    failed) ``get(i)`` computes item i then and there, as a plain loop would."""

    def __init__(self, fn: Callable[[T], R], items: Sequence[T], workers: int, what: str = "items") -> None:
        self._fn, self._items = fn, items
        workers = max(1, min(workers, len(items)))
        self._size = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER))) if workers > 1 else 1
        self._done: dict[int, list[R]] = {}
        self._taken: dict[int, set[int]] = {}  # indexes handed out by take(), by chunk
        self._futures: list[Future[list[R]]] = []
        self._pool = _start(workers, self._size, fn, items, self._futures) if workers > 1 else None
        self.pooled = self._pool is not None
        if self.pooled:
            log.debug(f"{len(items)} {what} in {workers} worker processes")

    def get(self, index: int) -> R:
        chunk = index // self._size
        if chunk not in self._done and self._pool is not None:
            try:
                self._done[chunk] = self._futures[chunk].result()
            except Exception:
                # A worker raised, or died (killed, out of memory): what is not done yet is
                # done here, item by item, so an error is raised where and as one process raises
                # it (even an exception that cannot be pickled) and a lost worker costs nothing.
                self.close()
            except BaseException:  # Ctrl-C
                self.close()
                raise
            if len(self._done) * self._size >= len(self._items):
                self.close()  # every result is here: end the workers now
        if chunk in self._done:
            return self._done[chunk][index - chunk * self._size]
        return self._fn(self._items[index])

    def results(self) -> list[R]:
        return [self.get(i) for i in range(len(self._items))]

    def take(self, index: int) -> R:
        """``get(index)`` for a caller that needs each result once: once every result of a
        chunk is taken, the chunk's results are let go (taking one again computes it again)."""
        chunk = index // self._size
        taken = self._taken.setdefault(chunk, set())
        if index in taken:
            return self._fn(self._items[index])
        result = self.get(index)
        taken.add(index)
        if len(taken) == min(self._size, len(self._items) - chunk * self._size):
            self._done.get(chunk, []).clear()  # the very list the chunk's future holds too
        return result

    def close(self) -> None:
        """End the workers (waiting for them: no process is left behind)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def pmap(fn: Callable[[T], R], items: Sequence[T], workers: int, what: str = "items") -> list[R]:
    """``[fn(item) for item in items]``, in ``workers`` processes."""
    job = Job(fn, items, workers, what)
    try:
        return job.results()
    finally:
        job.close()


def _start(workers: int, size: int, fn: Callable[[T], R], items: Sequence[T],
           futures: list[Future[list[R]]]) -> EndWhenDone | None:
    """A forked pool working on every chunk, or None where one cannot start."""
    global _work
    _work = (fn, items)
    try:
        # With fork, the first submit starts every worker: they see _work as it is now.
        pool = forked_pool(workers, lambda pool: [pool.submit(_run_chunk, start, start + size)
                                                  for start in range(0, len(items), size)], futures)
    finally:
        _work = None  # the parent keeps no reference; the workers have their copy
    return EndWhenDone(pool, futures) if pool is not None else None


class EndWhenDone:
    """A pool given all its work, whose processes end as soon as the work is done, from a thread:
    an idle worker keeps its memory until its pool shuts down, at the end of the build (a share
    cards' process held ~65 MiB for the last 80 s of a 10,000-claim build). The results stay in
    their futures. ``close`` ends the processes at once, cancelling work not started, and waits."""

    def __init__(self, pool: ProcessPoolExecutor, futures: Sequence[Future[Any]]) -> None:
        self._pool: ProcessPoolExecutor | None = pool
        self._lock = threading.Lock()  # one shutdown at a time: two at once may race in the executor
        threading.Thread(target=self._end_when_done, args=(list(futures),), daemon=True,
                         name="factcheck-pool-end").start()

    def _end_when_done(self, futures: list[Future[Any]]) -> None:
        wait(futures)  # a cancelled future is done too, and a broken pool fails every one
        self.close(cancel=False)

    def close(self, *, cancel: bool = True) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=cancel)
                self._pool = None


def forked_pool(workers: int, submit: Callable[[ProcessPoolExecutor], list[Future[R]]],
                futures: list[Future[R]]) -> ProcessPoolExecutor | None:
    """``workers`` forked processes, given their work at once by ``submit`` (its futures are
    added to ``futures``); None, with ``futures`` left empty, where no process can start."""
    if not can_fork():
        return None
    pool = None
    # The workers' garbage collector leaves what they inherit alone: walking it would touch
    # (and so copy) every page of memory they share with this process.
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        futures.extend(submit(pool))
    except (OSError, RuntimeError):  # no processes allowed here (sandbox, limits): one process
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        futures.clear()
        return None
    finally:
        gc.unfreeze()
    return pool


def _run_chunk(start: int, stop: int) -> list[Any]:
    """In a worker: the results of items[start:stop] of the work it was forked for."""
    assert _work is not None, "a worker of a factcheck Job was not forked from the process that made the Job"
    fn, items = _work
    return [fn(item) for item in items[start:stop]]
