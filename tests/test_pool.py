"""The page-body pool's size (base/parallel.py): with auto, only the CPUs the main process and the
share cards' workers leave, and only for enough pages; a site's own number is kept."""

from __future__ import annotations

import pytest
from mkdocs_factcheck.base import parallel


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
