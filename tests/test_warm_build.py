"""A warm `mkdocs build` (site/ gone, .cache/ kept, as a CI cache step restores it) writes the
site a cold one writes, byte for byte, before and after an edit, while rendering only the page
bodies the edit changed (issue 27). In one process (workers: 1), with a pool of page workers
(workers: 2) and as the site leaves it (auto)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENV, Site, claim_yaml, make_site_in, site_files

pytestmark = pytest.mark.slow

CLAIMS = 70  # enough for worker pools (parallel.PARALLEL_FROM)
VERDICTS = ("false", "mixed", "misleading", "true", "mostly-true")
MADE = re.compile(r"page bodies: (\d+) rendered, (\d+) from the last build's")
PARSED = re.compile(r"claim files: (\d+) parsed, (\d+) from the last build's")
MARKDOWN = re.compile(r"claims' Markdown: (\d+) rendered")
MARKERS = re.compile(r"hand-written pages' markers: (\d+) rendered")
HOME = "# Test site\n\n<!-- factcheck:brief -->\n\n<!-- factcheck:latest -->\n\n<!-- factcheck:scale -->\n"


def _claim(n: int, **fields: object) -> str:
    return claim_yaml(**{"claim": f"Claimant {n % 4} said model {n} cost {n * 7} million dollars to train.",
                         "claimant": f"Claimant {n % 4}", "verdict": VERDICTS[n % len(VERDICTS)],
                         "tags": [f"topic {n % 6}", "cost"], "related": [f"claim-{(n + 1) % CLAIMS:03d}"],
                         "claim_date": f"2024-12-{1 + n % 28:02d}", "published": f"2025-01-{1 + n % 28:02d}",
                         "summary": f"The report behind claim {n} gives *another* figure.", **fields})


def _build(site: Site, folder: str) -> tuple[int, int, int, int, int, int]:
    """`mkdocs build -v` into ``folder``; (bodies rendered, bodies taken from the last build,
    claim files parsed, claim files' results taken from the last build, claims whose Markdown
    was rendered, the home page's markers rendered). With ``workers: 2``
    the bodies come from a pool (rendered or taken from the file there)."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "-d", folder], cwd=site.root,
                          env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    found = MADE.search(done.stderr)
    assert found is not None, done.stderr
    pooled = "page bodies rendered in 2 worker processes" in done.stderr
    assert pooled == ("workers: 2" in (site.root / "mkdocs.yml").read_text(encoding="utf-8")), done.stderr
    files, markdown, markers = PARSED.search(done.stderr), MARKDOWN.search(done.stderr), MARKERS.search(done.stderr)
    assert files is not None and markdown is not None and markers is not None, done.stderr
    return (int(found.group(1)), int(found.group(2)), int(files.group(1)), int(files.group(2)),
            int(markdown.group(1)), int(markers.group(1)))


def _edit(site: Site) -> None:
    """A desk's day: a verdict changed (its page, the pages listing it and the related page
    change), a check added, one taken down to a draft."""
    site.write_claim("claim-005.yml", _claim(5, verdict="false", updated="2025-02-01",
                                             corrections=[{"date": "2025-02-01", "note": "New figures."}]))
    site.write_claim("claim-new.yml", _claim(CLAIMS, claim="A new claim about training costs.",
                                             related=["claim-010"]))
    site.write_claim("claim-020.yml", _claim(20, status="draft"))


@pytest.fixture(scope="module", params=["1", "2", "auto"])
def sites(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp(f"warm-{request.param}")
    site = make_site_in(root, plugin_options=f"workers: {request.param}", pages={"index.md": HOME})
    for n in range(CLAIMS):
        site.write_claim(f"claim-{n:03d}.yml", _claim(n))
    made: dict[str, object] = {"cold": _build(site, "site-cold"), "warm": _build(site, "site-warm")}
    _edit(site)
    made["warm-edited"] = _build(site, "site-warm-edited")
    shutil.rmtree(root / ".cache")
    made["cold-edited"] = _build(site, "site-cold-edited")
    made["root"] = root
    return made


def _same(root: Path, one: str, other: str) -> None:
    expected, actual = site_files(root / one), site_files(root / other)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []


def test_a_warm_build_is_byte_identical_to_a_cold_one(sites: dict[str, object]) -> None:
    _same(sites["root"], "site-cold", "site-warm")  # type: ignore[arg-type]


def test_a_warm_build_after_an_edit_is_byte_identical_to_a_cold_one(sites: dict[str, object]) -> None:
    root: Path = sites["root"]  # type: ignore[assignment]
    _same(root, "site-cold-edited", "site-warm-edited")
    assert site_files(root / "site-cold") != site_files(root / "site-cold-edited")  # the edit shows


def test_a_warm_build_renders_only_the_bodies_an_edit_changed(sites: dict[str, object]) -> None:
    rendered, reused, *_ = sites["cold"]  # type: ignore[misc]
    assert rendered > CLAIMS and reused == 0
    assert sites["warm"][:2] == (0, rendered)  # type: ignore[index]
    edited, kept, *_ = sites["warm-edited"]  # type: ignore[misc]
    assert 0 < edited < rendered / 2 and kept > CLAIMS / 2
    assert sites["cold-edited"][:2] == (edited + kept, 0)  # type: ignore[index]


def test_a_warm_build_parses_only_the_claim_files_an_edit_changed(sites: dict[str, object]) -> None:
    assert sites["cold"][2:4] == (CLAIMS, 0)  # type: ignore[index]
    assert sites["warm"][2:4] == (0, CLAIMS)  # type: ignore[index]
    assert sites["warm-edited"][2:4] == (3, CLAIMS - 2)  # type: ignore[index]  # two edited, one new
    assert sites["cold-edited"][2:4] == (CLAIMS + 1, 0)  # type: ignore[index]


def test_a_warm_build_renders_the_markdown_of_only_new_or_changed_text(sites: dict[str, object]) -> None:
    """Kept beside the bodies without cache_dir too: the edit changed one claim's verdict (not its
    text), added one and took one down to a draft."""
    assert [sites[name][4] for name in ("cold", "warm", "warm-edited", "cold-edited")] == [  # type: ignore[index]
        CLAIMS, 0, 1, CLAIMS]


def test_a_checkout_in_another_folder_reuses_the_restored_bodies(tmp_path: Path) -> None:
    """A CI runner may check the site out in another folder than the one its cache was made in,
    and build with `-f` from elsewhere: bodies are keyed by the site, not by where it lies."""
    first = make_site_in(tmp_path / "desk", plugin_options="workers: 1")
    for n in range(12):
        first.write_claim(f"claim-{n:03d}.yml", _claim(n, related=[f"claim-{(n + 1) % 12:03d}"]))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v"], cwd=first.root,
                          env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    cold = MADE.search(done.stderr)
    assert cold is not None and int(cold.group(1)) > 12, done.stderr
    moved = tmp_path / "runner" / "work" / "desk"
    shutil.copytree(first.root, moved, symlinks=True)
    shutil.rmtree(moved / "site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "-f", str(moved / "mkdocs.yml")],
                          cwd=tmp_path, env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    warm = MADE.search(done.stderr)
    assert warm is not None and (int(warm.group(1)), int(warm.group(2))) == (0, int(cold.group(1))), done.stderr
    assert site_files(moved / "site") == site_files(first.root / "site")


def test_a_warm_build_renders_the_home_pages_markers_again_only_after_an_edit(sites: dict[str, object]) -> None:
    """The latest checks, the tally and the scale read the whole catalog: any edit renders them."""
    assert [sites[name][5] for name in ("cold", "warm", "warm-edited", "cold-edited")] == [  # type: ignore[index]
        3, 0, 3, 3]
