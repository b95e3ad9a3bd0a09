"""The core both adapters share, driven without any engine: settings in, site plan out."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import claim_yaml
from mkdocs_factcheck.claims import urls
from mkdocs_factcheck.plan.siteplan import SettingsError, SitePlan, SitePlanner, settings_from


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


def _name_pages(plan: SitePlan) -> dict[str, str]:
    """Every claimant, expert and tag page's body, by source path."""
    return {uri: plan.body(spec) for uri, spec in plan.pages.items()
            if spec.template in ("claimant.html", "expert.html", "tag.html")}


def test_kept_name_pages_are_the_pages_a_fresh_plan_makes(tmp_path: Path) -> None:
    """Under serve a name's pages are reused while what each shows is unchanged: page 1 sums up
    every check, a later page only its own part. After each edit, every one is what a new
    planner renders."""
    def write(number: int, **fields: object) -> None:
        (tmp_path / "claims" / f"check-{number}.yml").write_text(claim_yaml(**{
            "claim": f"Claim number {number}.", "claimant": "Page", "tags": ["page"], "claim_date": None,
            "published": f"2025-01-{number + 1:02d}", **fields}), encoding="utf-8")

    kept = planner_for(tmp_path, keep_pages=True, page_size=3)
    for number in range(8):
        write(number)
    first = _name_pages(kept.plan())
    assert {"claimants/page.md", "claimants/page/page/2.md", "claimants/page/page/3.md"} <= set(first)
    rendered: list[str] = []
    render = kept.renderer.page

    def counted(template: str, *args: object, **context: object) -> str:
        rendered.append(f"{template} {context.get('page')}")
        return render(template, *args, **context)

    kept.renderer.page = counted  # type: ignore[method-assign]
    write(0, summary="A new short answer.")  # the oldest check: on page 3 only (and in page 1's sums)
    # A verdict on page 3 changes, a newer check moves every row down and one goes; then two
    # older checks add page 4 (to every page's pager, page 2's rows unchanged).
    edits = [lambda: (write(1, verdict="true"), write(8), (tmp_path / "claims" / "check-4.yml").unlink()),
             lambda: (write(9, published="2024-12-31"), write(10, published="2024-12-30"))]
    for edit in [None, *edits]:
        if edit is not None:
            edit()
        plan = kept.plan()
        again = _name_pages(plan)
        if edit is None:  # pages 2 of the claimant and the tag show none of check-0
            assert sorted(line for line in rendered if line.startswith(("claimant", "tag"))) == [
                "claimant.html 1", "claimant.html 3", "tag.html 1", "tag.html 3"]
        assert again == _name_pages(planner_for(tmp_path, page_size=3).plan())


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


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_pages_footer_is_the_one_rendered_for_it(tmp_path: Path, directory_urls: bool) -> None:
    """The footer is rendered once for each set of links it makes (renderer.footer): on every page
    it is the footer rendered for that page alone, with docs-page, e-mail and URL targets."""
    (tmp_path / "claims").mkdir()
    for n in range(4):
        (tmp_path / "claims" / f"claim-{n}.yml").write_text(claim_yaml(claimant=f"Claimant {n % 2}"), encoding="utf-8")
    options = {"about": "about.md", "contact": "team@example.org", "methodology": "https://example.org/how",
               "report_error": "https://example.org/report"}
    settings = settings_from(options, config_dir=tmp_path, docs_dir="docs", site_name="Desk",
                             site_url="https://checks.example.org/", use_directory_urls=directory_urls)
    plan = SitePlanner(settings).plan()
    renderer = plan.renderer
    pages = [plan.url(uri) for uri in plan.pages] + ["", "about/", "a/b/c/", "about.html"]
    assert len(pages) > 12
    template = renderer.env.get_template("site_footer.html")
    for here in pages:
        links = urls.Links(here, directory_urls, renderer.site.url)
        assert renderer.footer(here) == template.render(links=links), here
    assert len(renderer._footers) < len(pages)  # shared: sibling claim pages make the same links


def test_no_claim_file_is_counted_outside_the_site(tmp_path: Path) -> None:
    """The count that sizes the pools before the claims are read walks only a folder the loader
    would read: a claims folder linked to `/` or `..` counts none (it is refused unread)."""
    for target in (Path("/"), tmp_path):
        root = tmp_path / f"site-{len(str(target))}"
        root.mkdir()
        (root / "claims").symlink_to(target)
        (tmp_path / "outside.yml").write_text(claim_yaml(), encoding="utf-8")
        assert planner_for(root).claim_file_count() == 0
    inside = tmp_path / "inside"
    inside.mkdir()
    planner = planner_for(inside)
    (inside / "claims" / "cost.yml").write_text(claim_yaml(), encoding="utf-8")
    assert planner.claim_file_count() == 1
