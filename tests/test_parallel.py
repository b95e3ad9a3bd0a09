"""Claims parsed and pages rendered in worker processes: the same site, byte for byte, and
the same error report as one process; one process where a pool cannot start."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ENV, FACTCHECK, Site, claim_yaml, factcheck, make_site_in, mkdocs, site_files
from mkdocs_factcheck.base import parallel
from mkdocs_factcheck.base.errors import SiteError
from mkdocs_factcheck.plan.siteplan import SettingsError, settings_from
from mkdocs_factcheck.project.site import read_site

CLAIMS = 48
POOLED = ["claim files parsed in 2 worker processes", "claims' Markdown rendered in 2 worker processes",
          "page bodies rendered in 2 worker processes"]
# A real build whose pools cannot start: the process refuses to make them (as a sandbox would).
REFUSED = ("import sys, mkdocs_factcheck.base.parallel as p\n"
           "def refuse(*args, **kwargs): raise PermissionError('no processes here')\n"
           "p.ProcessPoolExecutor = refuse\n"
           "from mkdocs.__main__ import cli\n"
           "cli(sys.argv[1:])\n")


def _write_claims(site: Site, count: int) -> None:
    for n in range(count):
        extra: dict[str, object] = {"claimant": f"Claimant {n % 7}", "tags": [f"topic {n % 5}", "cost"],
                                    "related": [f"claim-{(n + 1) % count:03d}"], "verdict": ["false", "mixed",
                                    "misleading", "true"][n % 4], "summary": f"Answer *{n}* with a [link](https://example.org/{n})."}
        if n % 3 == 0:
            extra["appearance"] = None  # an editorial warning: no appearance link
        if n % 4 == 1:
            extra["quotes"] = [{"expert": f"Expert {n % 6}", "text": f"Quote {n}.", "stance": "context",
                                "source": f"https://example.org/q{n}"}]
        site.write_claim(f"claim-{n:03d}.yml", claim_yaml(**extra))


def _with_workers(site: Site, workers: int) -> str:
    """A second config file in the same folder, with another workers option."""
    name = f"workers-{workers}.yml"
    text = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / name).write_text(text.replace("workers: 2", f"workers: {workers}"), encoding="utf-8")
    return name


def _run(site: Site, *args: str, python: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs ARGS`, `factcheck ARGS` (python=FACTCHECK), or a script of its own (a real process)."""
    if python is None:
        return mkdocs(*args, cwd=site.root, env=ENV, timeout=300)
    if python == FACTCHECK:
        return factcheck(*args, cwd=site.root, env=ENV, timeout=300)
    return subprocess.run([*python, *args], cwd=site.root, env=ENV, capture_output=True, text=True, timeout=300)




@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """One site built three ways, each cold (nothing kept from the last build, so the pools
    have the work): one process, two workers, and two workers refused."""
    site = make_site_in(tmp_path_factory.mktemp("pooled"), plugin_options="workers: 2")
    _write_claims(site, CLAIMS)
    one = _with_workers(site, 1)

    def cold(*args: str, python: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        shutil.rmtree(site.root / ".cache", ignore_errors=True)
        return _run(site, *args, python=python)

    return {
        "one": (cold("build", "-v", "-f", one, "-d", "site-one"), site.root / "site-one"),
        "pooled": (cold("build", "-v", "-d", "site-pooled"), site.root / "site-pooled"),
        "refused": (cold("build", "-v", "-d", "site-refused", python=[sys.executable, "-c", REFUSED]),
                    site.root / "site-refused"),
    }


@pytest.mark.slow
def test_a_pooled_build_is_byte_identical_to_one_process(built: dict[str, tuple[subprocess.CompletedProcess[str],
                                                                                 Path]]) -> None:
    (one, one_dir), (pooled, pooled_dir) = built["one"], built["pooled"]
    assert one.returncode == 0 and pooled.returncode == 0, one.stderr + pooled.stderr
    for line in POOLED:
        assert line in pooled.stderr
        assert "worker processes" not in one.stderr
    expected = site_files(one_dir)
    assert len([p for p in expected if p.startswith("claims/claim-")]) == CLAIMS
    warnings = [line for line in one.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) > CLAIMS  # editorial warnings, listed by -v: the same, in the same order
    assert [line for line in pooled.stderr.splitlines() if ": warning: " in line] == warnings
    actual = site_files(pooled_dir)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []


@pytest.mark.slow
def test_where_no_pool_can_start_the_build_runs_in_one_process(
        built: dict[str, tuple[subprocess.CompletedProcess[str], Path]]) -> None:
    one_dir, (refused, refused_dir) = built["one"][1], built["refused"]
    assert refused.returncode == 0, refused.stderr
    assert "worker processes" not in refused.stderr
    assert site_files(refused_dir) == site_files(one_dir)


BAD = {
    "bad-verdict.yml": claim_yaml(verdict="sort-of"),
    "bad-url.yml": claim_yaml(appearance="javascript:alert(1)"),
    "no-summary.yml": claim_yaml(summary=None),
    "bad-date.yml": claim_yaml(published="2025-13-45"),
    "lost-related.yml": claim_yaml(related=["no-such-claim"]),
    "extra-key.yml": claim_yaml(verdikt="false"),
    "broken-yaml.yml": "claim: [unclosed\nverdict: false\n",
    "Bad_Name.yml": claim_yaml(),
    "empty.yml": "",
    "dup.yml": claim_yaml() + "claim: again\n",
}


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site_in(tmp_path_factory.mktemp("bad"), plugin_options="workers: 2")
    _write_claims(site, 30)
    for name, text in BAD.items():
        site.write_claim(name, text)
    return site


@pytest.mark.slow
def test_a_pooled_build_reports_the_same_errors_in_the_same_order(bad_site: Site) -> None:
    one = _run(bad_site, "build", "-f", _with_workers(bad_site, 1), "-d", "site-one")
    pooled = _run(bad_site, "build", "-d", "site-pooled")
    assert one.returncode != 0
    assert "bad-verdict.yml" in one.stderr and "broken-yaml.yml" in one.stderr
    assert pooled.returncode == one.returncode
    assert pooled.stderr == one.stderr


@pytest.mark.slow
def test_validate_with_workers_reports_the_same(bad_site: Site) -> None:
    one = _run(bad_site, "validate", "-f", _with_workers(bad_site, 1), python=FACTCHECK)
    pooled = _run(bad_site, "validate", python=FACTCHECK)
    assert one.returncode != 0 and "lost-related.yml" in one.stdout + one.stderr
    assert (pooled.returncode, pooled.stdout, pooled.stderr) == (one.returncode, one.stdout, one.stderr)


@pytest.mark.slow
def test_a_page_that_fails_to_render_fails_the_same_way(tmp_path: Path) -> None:
    """A site's template that breaks on one claim: the same page named, the same error, as in one process."""
    site = make_site_in(tmp_path, plugin_options="workers: 2")
    _write_claims(site, 40)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "name: material\n", "name: material\n  custom_dir: overrides\n"), encoding="utf-8")
    (site.root / "overrides" / "factcheck").mkdir(parents=True)
    (site.root / "overrides" / "factcheck" / "claim.html").write_text(
        '{% if claim.id == "claim-029" %}{{ no_such_value }}{% endif %}<p>{{ claim.claim }}</p>\n', encoding="utf-8")
    one = _run(site, "build", "-f", _with_workers(site, 1), "-d", "site-one")
    pooled = _run(site, "build", "-d", "site-pooled")
    assert one.returncode != 0 and "no_such_value" in one.stderr and "claim-029" in one.stderr
    # The report; the traceback's frames (indented) differ by the functions that called the template.
    def report(output: str) -> list[str]:
        return [line.replace("site-pooled", "site-one") for line in output.splitlines() if not line.startswith(" ")]

    assert pooled.returncode == one.returncode
    assert report(pooled.stderr) == report(one.stderr)


@pytest.mark.slow
def test_generate_with_workers_writes_the_same_files(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="workers: 2")
    _write_claims(site, 40)
    # The command with its debug log shown (which says when workers ran).
    factcheck = [sys.executable, "-c", "import logging, sys\nlogging.basicConfig(level=logging.DEBUG)\n"
                 "from mkdocs_factcheck.cli import main\nsys.exit(main(sys.argv[1:]))\n"]
    written, logs = {}, {}
    for config in (_with_workers(site, 1), "mkdocs.yml"):
        done = _run(site, "generate", "-f", config, python=factcheck)
        assert done.returncode == 0, done.stderr
        written[config], logs[config] = site_files(site.root / "docs"), done.stderr
    one, pooled = written.values()
    assert re.search(r"\d+ pages made in 2 worker processes", logs["mkdocs.yml"])
    assert "worker processes" not in logs["workers-1.yml"]
    assert len([path for path in one if path.startswith("claims/claim-")]) == 40
    assert pooled == one


# --- the pool itself -----------------------------------------------------------------------


def _pid_of(item: int) -> tuple[int, int]:
    return item, os.getpid()


class Unpicklable(ValueError):
    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("this exception cannot travel between processes")


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise Unpicklable(f"item {item} is bad")
    return item


def test_results_come_back_in_input_order_from_other_processes() -> None:
    results = parallel.pmap(_pid_of, list(range(40)), 2)
    assert [item for item, _ in results] == list(range(40))
    assert {pid for _, pid in results} - {os.getpid()}
    assert multiprocessing.active_children() == []  # no worker left behind


def test_a_worker_exception_is_raised_here_and_the_workers_end() -> None:
    with pytest.raises(Unpicklable, match="item 7 is bad"):
        parallel.pmap(_fail_on_seven, list(range(40)), 2)
    assert multiprocessing.active_children() == []


def _workers_end(seconds: float = 30) -> bool:
    """Whether this process's worker processes all end within ``seconds``."""
    deadline = time.monotonic() + seconds
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def test_the_workers_end_once_their_work_is_done_and_the_results_stay() -> None:
    job = parallel.Job(_pid_of, list(range(40)), 2)
    assert job.pooled and multiprocessing.active_children()
    # Nobody asked for a result yet: an idle worker would hold its memory to the end of the build.
    assert _workers_end()
    results = job.results()
    assert [item for item, _ in results] == list(range(40))
    assert {pid for _, pid in results} - {os.getpid()}, "the results are the workers', not made again here"
    job.close()


def _niceness_after_yielding(_: int) -> int:
    parallel.yield_to_the_build()
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_a_process_beside_the_build_yields_it_the_cpu_and_the_build_keeps_its_own() -> None:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(nice >= parallel.BESIDE_NICENESS for nice in parallel.pmap(_niceness_after_yielding, [1, 2], 2))
    assert os.getpriority(os.PRIO_PROCESS, 0) == before


def test_when_the_pool_cannot_start_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    job = parallel.Job(_pid_of, list(range(10)), 2)
    assert not job.pooled
    assert job.results() == [(item, os.getpid()) for item in range(10)]


def test_auto_uses_one_process_for_little_work() -> None:
    assert parallel.worker_count(None, parallel.PARALLEL_FROM - 1) == 1
    assert parallel.worker_count(None, 10_000) == parallel.cpus()
    assert parallel.worker_count(4, 3) == 3
    assert parallel.worker_count(1, 10_000) == 1


@pytest.mark.parametrize(("value", "expected"), [("auto", None), (1, 1), (3, 3)])
def test_workers_option(tmp_path: Path, value: object, expected: int | None) -> None:
    settings = settings_from({"workers": value}, config_dir=tmp_path, docs_dir="docs", site_name="Desk")
    assert settings.workers == expected


@pytest.mark.parametrize("value", [0, -2, "many", True, 1.5])
def test_workers_option_refuses_what_is_not_a_count(tmp_path: Path, value: object) -> None:
    with pytest.raises(SettingsError, match="workers"):
        settings_from({"workers": value}, config_dir=tmp_path, docs_dir="docs", site_name="Desk")


@pytest.mark.slow
@pytest.mark.parametrize("value", ["0", "-2", "many", "true", "1.5"])
def test_the_cli_refuses_the_same_workers_values(tmp_path: Path, value: str) -> None:
    # `factcheck validate` reads mkdocs.yml itself: the same rule, named in the file, with the fix.
    site = make_site_in(tmp_path, plugin_options=f"workers: {value}")
    with pytest.raises(SiteError, match=r"mkdocs\.yml: plugins\.factcheck\.workers is .*; write auto"):
        read_site(site.root / "mkdocs.yml")
