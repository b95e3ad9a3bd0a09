"""A news reader's view in Chromium (issue 24), on this repository's site and a generated one.

The repository's site is the session's shared build (test_browser.repo_site); the
generated site (bench/corpus.py, 200 checks, one build for this module) shows what a
few checks cannot: rows at scale, bars that differ with counts, page weight.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import pytest
from conftest import ENV, MKDOCS, REPO, serve_folder
from test_browser import DESKTOP, RepoSite, browse, repo_site

sys.path.insert(0, str(REPO / "bench"))
GENERATED_CHECKS = 200


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    return repo_site(tmp_path_factory)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A generated site of GENERATED_CHECKS checks, built and served; its base URL."""
    from corpus import make_claims
    from sites import write_ours

    root = tmp_path_factory.mktemp("generated")
    config = write_ours(root, make_claims(GENERATED_CHECKS))
    out = root / "site"
    proc = subprocess.run([*MKDOCS, "build", "-q", "-f", str(config), "--site-dir", str(out)], cwd=root, env=ENV,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return serve_folder(out)[0]


def _rows(page: Any, selector: str = "ul.fc-list > li.fc-list__item") -> list[str]:
    return [" ".join(text.split()) for text in page.locator(selector).all_inner_texts()]


# --- 1. Listing rows carry claimant, verdict and date ---------------------------------------

def test_listing_rows_carry_claimant_verdict_and_date(browser: Any, site: RepoSite, generated: str) -> None:
    labels = [r["label"] for r in site.data["scale"]]
    for base, paths in ((site.url, ["", site.pages["claimant"], site.pages["claim"]]),
                        (generated, ["", "scoreboard/", "sources/"])):
        with browse(browser, base) as tab:
            for path in paths:
                page = tab.open(path)
                rows = page.locator("ul.fc-list > li.fc-list__item")
                assert rows.count() > 0, (base, path)
                for i in range(rows.count()):
                    row = rows.nth(i)
                    assert row.locator(".fc-badge__label").inner_text() in labels
                    claimant = row.locator(".fc-list__who a, .fc-list__claim a")
                    assert claimant.count() == 1 and claimant.inner_text().strip(), (path, row.inner_text())
                    assert "/claimants/" in claimant.evaluate("el => new URL(el.href).pathname")
                    assert row.locator(".fc-list__headline").is_visible()
                    assert row.locator(".fc-when time").get_attribute("datetime")
            assert tab.errors == []


# --- 2. A claim page links to the list and the scoreboard above the fold -------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_claim_page_links_to_the_list_and_scoreboard_above_the_fold(browser: Any, site: RepoSite,
                                                                     scheme: str) -> None:
    height = 720
    with browse(browser, site.url, width=DESKTOP, height=height, scheme=scheme) as tab:
        page = tab.open(site.pages["claim"])
        shown = page.locator("article a").evaluate_all(
            "els => els.filter(a => { const r = a.getBoundingClientRect();"
            " return r.width > 0 && r.height > 0 && r.bottom <= innerHeight"
            " && getComputedStyle(a).visibility !== 'hidden'; }).map(a => new URL(a.href).pathname)")
        assert {"/claims/", "/scoreboard/"} <= set(shown), shown
        kicker = page.locator("article .fc-kicker a")
        assert kicker.evaluate("el => new URL(el.href).pathname") == "/claims/"
        footer = page.locator(".fc-site-footer")
        paths = footer.locator("a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")
        assert {"/claims/", "/scoreboard/", "/corrections-log/"} <= set(paths), paths


# --- 3. Bars differ with counts ----------------------------------------------------------

def test_bars_differ_with_counts(browser: Any, site: RepoSite, generated: str) -> None:
    for base in (site.url, generated):
        with browse(browser, base) as tab:
            page = tab.open("scoreboard/")
            stacks = page.locator(".fc-ranking .fc-stack").evaluate_all(
                "els => els.map(e => e.getBoundingClientRect().width)")
            totals = [int(t.split(":")[-1]) for t in page.locator(".fc-ranking__head .fc-meta").all_inner_texts()]
            assert len(stacks) == len(totals) > 1
            # Longer for more checks, the same for the same number; never full width for one.
            pairs = list(zip(stacks, totals, strict=True))
            for (w1, n1), (w2, n2) in itertools.pairwise(pairs):
                assert (w1 > w2 + 1) if n1 > n2 else abs(w1 - w2) < 1, (stacks, totals)
            column = page.locator(".fc-ranking").bounding_box()
            assert column and all(w < column["width"] * 0.99 for w, n in pairs if n < 10)
            bars = page.locator(".fc-chart__bar").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
            counts = [int(c) for c in page.locator(".fc-chart td.fc-num").all_inner_texts() if c != "0"]
            assert len(bars) == len(counts)
            order = sorted(range(len(counts)), key=lambda i: counts[i])
            assert [bars[i] for i in order] == sorted(bars), (bars, counts)
