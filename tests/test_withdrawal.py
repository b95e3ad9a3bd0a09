"""Withdrawn checks and the corrections log, read from one real build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from conftest import BuildResult, claim_yaml, make_site_in

pytestmark = pytest.mark.slow

WITHDRAWN = {"date": "2025-02-12", "note": "It rated an opinion about what others could have done."}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    site = make_site_in(tmp_path_factory.mktemp("withdrawal"), config_extra="site_url: https://checks.example.org/\n")
    site.write_claim("kept.yml", claim_yaml(claim="A claim that stands.", claimant="Kept Claimant", corrections=[
        {"date": "2025-02-05", "note": "Added the <b>SemiAnalysis</b> estimate."}], updated="2025-02-05"))
    site.write_claim("gone.yml", claim_yaml(
        claim="US companies could have built it.", claimant="Only Here", verdict="mostly-false",
        tags=["counterfactuals"], quotes=[{"expert": "Solo Expert", "text": "Quoted once."}],
        status="withdrawn", withdrawn=WITHDRAWN, updated="2025-02-12",
        corrections=[{"date": "2025-02-12", "note": "Withdrawn: see the note at the top."}]))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result


def test_a_withdrawn_check_keeps_its_page_saying_when_and_why(built: BuildResult) -> None:
    page = built.page("claims/gone/")
    assert "<title>Withdrawn: “US companies could have built it.”" in page
    assert re.search(r'Withdrawn on <time datetime="2025-02-12">', page)
    assert WITHDRAWN["note"] in page
    # The verdict readers saw, crossed out, never shown as a current rating.
    assert re.search(r'Verdict when published: <del><span class="fc-badge fc-badge--big" '
                     r'data-verdict="mostly-false"', page)
    assert "application/ld+json" not in page  # no ClaimReview: not a current rating
    assert 'property="og:image" content="https://checks.example.org/assets/factcheck/cards/site-' in page
    # A reader who lands here from an old link can reach the rest of the site.
    assert '<p class="fc-kicker"><a href="../">Fact check</a> · Withdrawn</p>' in page
    assert 'href="../../scoreboard/"' in page


def test_a_withdrawn_check_leaves_every_count_and_listing(built: BuildResult) -> None:
    scoreboard = built.page("scoreboard/")
    assert '<strong class="fc-big-number">1</strong>' in scoreboard
    for url in ("", "claims/", "scoreboard/", "claimants/", "tags/", "experts/"):
        assert "claims/gone/" not in built.page(url).replace("corrections-log", ""), url
    # Its claimant, tag and expert had no other check: no page of theirs, and no broken link to one.
    for folder in ("claimants/only-here", "tags/counterfactuals", "experts/solo-expert"):
        assert not (built.site / folder).exists()


def test_a_withdrawn_check_stays_in_the_feed_and_the_export_marked(built: BuildResult) -> None:
    feed = feedparser.parse((built.site / "feed.xml").read_bytes())
    assert not feed.bozo
    gone = [e for e in feed.entries if e.link == "https://checks.example.org/claims/gone/"]
    assert len(gone) == 1 and gone[0].title.startswith("Withdrawn (Mostly false):")
    assert "withdrawn" in [t.term for t in gone[0].tags] and gone[0].updated.startswith("2025-02-12")
    export = json.loads((built.site / "claims.json").read_text())
    assert [c["id"] for c in export["claims"]] == ["kept"] and export["count"] == 1  # current ratings
    assert [c["id"] for c in export["withdrawn"]] == ["gone"]
    assert export["withdrawn"][0]["status"] == "withdrawn" and export["withdrawn"][0]["withdrawn"] == WITHDRAWN
    assert export["claims"][0]["status"] == "published"


def test_the_corrections_log_lists_every_change_newest_first(built: BuildResult) -> None:
    page = built.page("corrections-log/")
    items = re.findall(r'<li class="fc-log__item fc-log__item--(\w+)">(.*?)</li>', page, re.S)
    assert [kind for kind, _ in items] == ["withdrawal", "correction", "correction"], items
    assert WITHDRAWN["note"] in items[0][1] and "../claims/gone/" in items[0][1]
    assert "Added the &lt;b&gt;SemiAnalysis&lt;/b&gt; estimate." in items[2][1]  # contributor text, escaped
    feed = feedparser.parse((built.site / "corrections.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 3
    assert len({e.id for e in feed.entries}) == 3
    assert feed.entries[0].title == "Withdrawn: US companies could have built it."
    # Linked from every page's footer.
    for url in ("", "claims/kept/", "scoreboard/"):
        assert re.search(r'<li><a href="[./]*corrections-log/">Corrections log</a></li>', built.page(url)), url


def test_a_withdrawal_without_a_note_is_a_located_error(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml(status="withdrawn"))
    site.write_claim("b.yml", claim_yaml(claim="B.", withdrawn=WITHDRAWN))
    site.write_claim("c.yml", claim_yaml(claim="C.", status="withdrawn", withdrawn={**WITHDRAWN, "date": "2024-01-01"}))
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "claims/a.yml:22:9: a withdrawn check must say when and why" in result.output, result.output
    assert "claims/b.yml:22:1: this check has a `withdrawn` note but its status is published" in result.output
    assert "claims/c.yml:" in result.output and "withdrawn 2024-01-01 is outside this check's dates" in result.output


def test_the_desks_queue_lists_withdrawn_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs_factcheck.cli import main

    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    site.write_claim("b.yml", claim_yaml(claim="B.", status="withdrawn", withdrawn=WITHDRAWN))
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^withdrawn\s+b\s", out, re.M) and "1 published, 1 withdrawn" in out, out
