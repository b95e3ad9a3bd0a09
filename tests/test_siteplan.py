"""The core both adapters share, driven without any engine: settings in, site plan out."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import claim_yaml
from mkdocs_factcheck.plan.siteplan import SettingsError, SitePlanner, settings_from


def planner_for(root: Path, keep_pages: bool = False, **options: object) -> SitePlanner:
    (root / "claims").mkdir(exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    settings = settings_from(options, config_dir=root, docs_dir="docs", site_name="Desk",
                             site_url="https://checks.example.org/")
    return SitePlanner(settings, keep_pages=keep_pages)


def test_plan_holds_every_page_and_file(tmp_path: Path) -> None:
    planner = planner_for(tmp_path)
    (tmp_path / "claims" / "cost.yml").write_text(claim_yaml(), encoding="utf-8")
    plan = planner.plan()
    assert not plan.errors
    assert {"claims/cost.md", "scoreboard.md", "claims/index.md", "claimants/deepseek.md",
            "experts/gavin-baker.md", "tags/cost.md", "sources/index.md"} <= set(plan.pages)
    assert {"feed.xml", "claims.json", "claims.csv", "claims-index.json"} <= set(plan.files)
    spec = plan.pages["claims/cost.md"]
    assert 'href="../../claimants/deepseek/"' in plan.body(spec)
    assert plan.claim_review(spec).count('"@type":"ClaimReview"') == 1
    assert '"@type":"ClaimReview"' not in plan.head("claims/cost/", spec, claim_review=False)
    assert plan.source_of(spec) == (tmp_path / "claims" / "cost.yml").resolve()
    [clash] = plan.clashes({"scoreboard/": "docs/scoreboard.md", "about/": "docs/about.md"})
    assert clash.startswith("docs/scoreboard.md and factcheck's generated page") and "/scoreboard/" in clash


def test_kept_pages_are_reused_until_their_claim_changes(tmp_path: Path) -> None:
    planner = planner_for(tmp_path, keep_pages=True)
    claim = tmp_path / "claims" / "cost.yml"
    claim.write_text(claim_yaml(), encoding="utf-8")
    first = planner.plan()
    html = first.body(first.pages["claims/cost.md"])
    again = planner.plan()
    assert again.reuse and again.reuse["claims/cost.md"][1] == html
    claim.write_text(claim_yaml(summary="A different short answer."), encoding="utf-8")
    changed = planner.plan()
    assert "A different short answer." in changed.body(changed.pages["claims/cost.md"])


def test_broken_claims_get_an_error_page_only_when_asked(tmp_path: Path) -> None:
    planner = planner_for(tmp_path)
    (tmp_path / "claims" / "bad.yml").write_text(claim_yaml(verdict="misleadin"), encoding="utf-8")
    assert "claims/bad.md" not in planner.plan().pages
    plan = planner.plan(show_errors=True)
    body = plan.body(plan.pages["claims/bad.md"])
    assert "unknown verdict" in body and plan.banner and "fc-build-errors" in plan.banner


@pytest.mark.parametrize(("options", "message"), [
    ({"page_sise": 3}, "unknown option(s) page_sise"),
    ({"page_size": "many"}, "plugins.factcheck.page_size is 'many'; write a whole number"),
    ({"search_full_text": 1}, "plugins.factcheck.search_full_text is 1; write true or false"),
    ({"feed_limit": True}, "plugins.factcheck.feed_limit is True; write a whole number"),
    ({"cache_dir": "docs/cache"}, "cache_dir (docs/cache) must not be inside"),
])
def test_bad_options_are_named_with_the_fix(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        planner_for(tmp_path, **options)
    assert message in str(caught.value)
