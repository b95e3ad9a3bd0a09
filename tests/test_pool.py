"""The pools' sizes (base/parallel.py): with auto, only the CPUs the main process and the share
cards' workers leave, and only for enough items; a site's own number is kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, make_site_in, mkdocs
from mkdocs_factcheck.base import cards, parallel


@pytest.mark.parametrize(("cpus", "pages", "expected"), [
    (2, 5_000, 1),  # two CPUs: main and cards have them (measured: the pool lost at 400 and 1,000)
    (3, 5_000, 1),
    (4, 5_000, 2),
    (8, parallel.BODIES_FROM, 6),
    (8, parallel.BODIES_FROM - 1, 1),
])
def test_auto_gives_bodies_only_the_spare_cpus(monkeypatch: pytest.MonkeyPatch, cpus: int, pages: int,
                                               expected: int) -> None:
    monkeypatch.setattr(parallel, "cpus", lambda: cpus)
    assert parallel.body_worker_count(None, pages) == expected


def test_a_sites_own_number_of_workers_is_kept() -> None:
    assert parallel.body_worker_count(2, 10) == 2
    assert parallel.body_worker_count(4, 3) == 3
    assert parallel.body_worker_count(1, 10_000) == 1


@pytest.mark.parametrize(("cpus", "busy", "expected"), [
    (2, 1, 1),  # the card process started ahead has the other CPU: Markdown in this process
    (4, 1, 3),
    (2, 0, 2),  # `factcheck generate`, no cards ahead
])
def test_auto_leaves_the_cpus_busy_elsewhere(monkeypatch: pytest.MonkeyPatch, cpus: int, busy: int,
                                             expected: int) -> None:
    monkeypatch.setattr(parallel, "cpus", lambda: cpus)
    assert parallel.worker_count(None, 5_000, busy) == expected
    assert parallel.worker_count(2, 5_000, busy) == 2  # a site's own number is kept


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two CPUs it can pin the build to (Linux)")
def test_a_build_renders_markdown_beside_the_cards_not_on_their_cpu(tmp_path: Path) -> None:
    """On two CPUs with auto, the card process started ahead has one: the Markdown is rendered
    in the build's own process (a pool forked there would hold a copy of every claim)."""
    site = make_site_in(tmp_path)
    for n in range(max(cards.PARALLEL_FROM, parallel.PARALLEL_FROM) + 2):  # enough for either pool
        site.write_claim(f"claim-{n:03d}.yml", claim_yaml(claimant=f"Claimant {n % 3}",
                                                          summary=f"Answer *{n}*."))  # Markdown of its own
    # The build (forked or a subprocess) inherits this process's CPUs: two of them, whatever the machine.
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, sorted(allowed)[:2])
    try:
        assert parallel.cpus() == 2
        done = mkdocs("build", "-v", cwd=site.root, env=ENV, timeout=300)
    finally:
        os.sched_setaffinity(0, allowed)
    assert done.returncode == 0, done.stderr
    assert "worker processes started ahead" in done.stderr
    assert "Markdown rendered in" not in done.stderr
