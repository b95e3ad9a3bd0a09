"""One site, byte for byte, however its share cards were made: drawn in the build process
(workers: 1), in worker processes (workers: 2, auto), or taken from the card cache a CI cache
step restores (.cache/plugin/factcheck/cards/ beside mkdocs.yml, on by default)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, make_site_in, site_files
from mkdocs_factcheck.base import cards

pytestmark = pytest.mark.slow

CLAIMS = cards.PARALLEL_FROM + 6  # enough for the card pool
CACHE = Path(".cache") / "plugin" / "factcheck" / "cards"
VERDICTS = ("false", "mixed", "misleading", "true", "mostly-true")




def _build(root: Path, workers: str, site: str) -> subprocess.CompletedProcess[str]:
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("workers: auto", f"workers: {workers}")
    config = root / f"workers-{workers}.yml"
    config.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "-f", config.name, "-d", site],
                          cwd=root, env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"}, capture_output=True,
                          text=True, timeout=300)


def _cache_state(root: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in (root / CACHE).glob("*.png")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The site built cold three ways (the card cache removed before each), cold into the last
    build's site, then warm."""
    root = tmp_path_factory.mktemp("cards-identity")
    site = make_site_in(root, plugin_options="workers: auto")
    for n in range(CLAIMS):
        site.write_claim(f"claim-{n:03d}.yml", claim_yaml(
            claim=f"Claimant {n % 3} said the model number {n} cost {n * 7} million dollars to train.",
            claimant=f"Claimant {n % 3}", verdict=VERDICTS[n % len(VERDICTS)]))
    built: dict[str, Path] = {}
    for workers in ("1", "2", "auto"):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        done = _build(root, workers, f"site-{workers}")
        assert done.returncode == 0, done.stderr
        assert len(_cache_state(root)) == CLAIMS + 1, "every card is cached, the site's too"
        pooled = re.search(r"share cards drawn in (\d+) worker processes", done.stderr)
        if workers == "1":
            assert "worker processes" not in done.stderr  # one process: the cards too
        else:
            assert pooled is not None and int(pooled.group(1)) == cards.card_workers(
                None if workers == "auto" else int(workers), CLAIMS + 1), done.stderr
            # Forked before the claims were read, so they hold none of the build's memory.
            assert f"{CLAIMS + 1} share cards drawn in {pooled.group(1)} worker processes started ahead" \
                in done.stderr
        built[workers] = root / f"site-{workers}"
    # Cold again, into the last build's site with a file no build makes: the cards are drawn
    # from pre_build on, while the old site is being emptied.
    shutil.copytree(root / "site-1", root / "site-over")
    for stale in ("gone/index.html", f"{cards.FOLDER}/stale.png"):
        (root / "site-over" / stale).parent.mkdir(parents=True, exist_ok=True)
        (root / "site-over" / stale).write_text("from an older build", encoding="utf-8")
    shutil.rmtree(root / ".cache")
    done = _build(root, "auto", "site-over")
    assert done.returncode == 0, done.stderr
    built["over"] = root / "site-over"
    before = _cache_state(root)
    done = _build(root, "auto", "site-warm")
    assert done.returncode == 0, done.stderr
    assert _cache_state(root) == before, "a warm build draws no card and rewrites none"
    built["warm"] = root / "site-warm"
    return built


def test_every_card_is_in_the_site_whichever_way_it_was_made(builds: dict[str, Path]) -> None:
    for folder in builds.values():
        drawn = list((folder / cards.FOLDER).glob("*.png"))
        assert len(drawn) == CLAIMS + 1
        assert all(path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for path in drawn)


@pytest.mark.parametrize("other", ["2", "auto", "over", "warm"])
def test_the_site_is_byte_identical_to_one_drawn_in_one_process(builds: dict[str, Path], other: str) -> None:
    expected, actual = site_files(builds["1"]), site_files(builds[other])
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []
