"""Drafts, checks in review and embargoes in real builds: an unpublished check reaches no
output of `mkdocs build` (pages, feed, JSON, CSV, sitemap, search index, counts); an embargo
lifts on the first build on or after its day (the build's clock: SOURCE_DATE_EPOCH);
`mkdocs serve` previews unpublished checks under a banner; warnings never fail a build
unless the site raises them."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ENV, BuildResult, Site, claim_yaml, factcheck, make_site_in, mkdocs
from test_serve import Server

BEFORE_EMBARGO = "2025-03-01"
EMBARGO_DAY = "2025-03-05"
# Text that only the unpublished checks hold; none of it may appear in a published site.
HIDDEN = {
    "draft": {"id": "wip-draft", "claim": "Zebras run the draft desk.", "claimant": "Draftonly Person",
              "tag": "draftonly-topic", "expert": "Draftonly Expert", "url": "https://example.org/draftonly-src"},
    "review": {"id": "in-review", "claim": "Quokkas audit the review queue.", "claimant": "Reviewonly Org",
               "tag": "reviewonly-topic", "expert": "Reviewonly Expert", "url": "https://example.org/reviewonly-src"},
    "embargoed": {"id": "coming-soon", "claim": "Narwhals publish on Wednesday.", "claimant": "Embargoonly Group",
                  "tag": "embargoonly-topic", "expert": "Embargoonly Expert",
                  "url": "https://example.org/embargoonly-src"},
}


def epoch(day: str) -> str:
    return str(int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()))


def hidden_claim(kind: str, **extra: object) -> str:
    h = HIDDEN[kind]
    return claim_yaml(claim=h["claim"], claimant=h["claimant"], tags=[h["tag"]],
                      quotes=[{"expert": h["expert"], "text": "Words."}],
                      sources=[{"title": f"{kind} source", "url": h["url"]}], **extra)


def write_desk(site: Site) -> None:
    site.write_claim("published-one.yml", claim_yaml(related=["wip-draft", "in-review", "coming-soon"]))
    site.write_claim("wip-draft.yml", hidden_claim("draft", status="draft"))
    site.write_claim("in-review.yml", hidden_claim("review", status="review", reviewed_by=["Ben Okafor"]))
    # Published and reviewed, dated after the build's day: embargoed until then.
    site.write_claim("coming-soon.yml", hidden_claim("embargoed", published=EMBARGO_DAY,
                                                     reviewed_by=["Ben Okafor"]))


def build_on(site: Site, day: str, *args: str) -> BuildResult:
    proc = mkdocs("build", "--strict", *args, cwd=site.root, env={**ENV, "SOURCE_DATE_EPOCH": epoch(day)},
                  timeout=300)
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site.root / "site")


def every_output(folder: Path) -> dict[str, str]:
    """Every file of a built site as text (the gzipped sitemap unpacked)."""
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            texts[path.relative_to(folder).as_posix()] = data.decode("utf-8", "replace")
    return texts


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site_in(tmp_path_factory.mktemp("desk"), pages={
        "index.md": "# Desk\n\n<!-- factcheck:latest -->\n\n<!-- factcheck:brief -->\n"})
    write_desk(site)
    return site


@pytest.fixture(scope="module")
def before(desk: Site) -> dict[str, str]:
    result = build_on(desk, BEFORE_EMBARGO)
    assert result.returncode == 0, result.output
    # The unpublished checks have editorial warnings: shown, and the strict build still passes.
    assert "editorial warnings in" in result.output
    return every_output(result.site)


@pytest.mark.slow
def test_unpublished_checks_reach_no_output_of_a_build(before: dict[str, str]) -> None:
    # The outputs a reader or a machine gets are all there...
    for name in ("index.html", "claims/published-one/index.html", "feed.xml", "claims.json", "claims.csv",
                 "sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "scoreboard/index.html"):
        assert name in before, sorted(before)
        assert "published-one" in before[name] or name.startswith(("index", "scoreboard")), name
    # ...and not one of them names an unpublished check, its claimant, expert, tag or source.
    for kind, marks in HIDDEN.items():
        for what, text in marks.items():
            leaks = sorted(name for name, body in before.items() if text in body)
            assert leaks == [], f"the {kind} check's {what} ({text!r}) leaks into {leaks}"


@pytest.mark.slow
def test_exports_and_counts_hold_published_checks_only(before: dict[str, str]) -> None:
    export = json.loads(before["claims.json"])
    assert (export["count"], [c["id"] for c in export["claims"]]) == (1, ["published-one"])
    assert export["claims"][0]["related"] == [], "ids of unpublished checks are dropped from related"
    rows = list(csv.DictReader(io.StringIO(before["claims.csv"])))
    assert [row["id"] for row in rows] == ["published-one"]
    search = json.loads(before["search/search_index.json"])
    assert not [d["location"] for d in search["docs"] if "draft" in d["location"] or "soon" in d["location"]]
    assert before["feed.xml"].count("<entry>") == 1
    assert 'fc-big-number">1</strong>' in before["index.html"], "the brief counts published checks only"
    assert 'fc-big-number">1</strong>' in before["scoreboard/index.html"]


@pytest.mark.slow
def test_an_embargo_lifts_on_its_day(desk: Site, before: dict[str, str]) -> None:
    assert "claims/coming-soon/index.html" not in before
    result = build_on(desk, EMBARGO_DAY)
    assert result.returncode == 0, result.output
    after = every_output(result.site)
    assert "claims/coming-soon/index.html" in after
    assert HIDDEN["embargoed"]["claim"] in after["feed.xml"]
    assert "/claims/coming-soon/" in after["sitemap.xml"]
    assert json.loads(after["claims.json"])["count"] == 2
    assert json.loads(after["claims.json"])["claims"][1]["related"] == ["coming-soon"]
    for kind in ("draft", "review"):
        assert not [n for n, body in after.items() if HIDDEN[kind]["claim"] in body], kind


@pytest.mark.slow
def test_warnings_fail_a_build_only_where_the_site_says_so(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="warnings_as_errors: [quote-without-source]")
    text = claim_yaml()  # its quote has no source
    site.write_claim("a.yml", text)
    result = build_on(site, BEFORE_EMBARGO)
    assert result.returncode != 0
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "- expert:" in row)
    assert f"claims/a.yml:{line}:3: the quote by Gavin Baker has no source" in result.output
    assert "[quote-without-source]" in result.output


@pytest.mark.slow
def test_a_site_can_require_reviewers(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="min_reviewers: 1")
    site.write_claim("a.yml", claim_yaml(author="Ana Ruiz", reviewed_by=["Ana Ruiz"]))
    result = build_on(site, BEFORE_EMBARGO)
    assert result.returncode != 0
    assert "claims/a.yml" in result.output and "published with 0 of the 1 reviewers" in result.output
    bad = make_site_in(tmp_path / "bad", plugin_options="warnings_as_errors: [no-such-code]")
    refused = build_on(bad, BEFORE_EMBARGO)
    assert refused.returncode != 0 and "unknown code 'no-such-code'" in refused.output


@pytest.mark.slow
def test_serve_previews_unpublished_checks_under_a_banner(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    write_desk(site)
    server = Server(tmp_path)
    try:
        server.wait_for("the draft's preview", server.page_shows(
            "claims/wip-draft/", "fc-preview", "Draft", HIDDEN["draft"]["claim"]))
        server.wait_for("the review preview", server.page_shows("claims/in-review/", "fc-preview", "In review"))
        published = server.get("claims/published-one/")
        assert published is not None and "fc-preview" not in published
    finally:
        server.stop()


@pytest.mark.slow
def test_the_generator_writes_no_unpublished_check(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="min_reviewers: 1")
    write_desk(site)
    site.write_claim("published-one.yml", claim_yaml(reviewed_by=["Ben Okafor"]))
    proc = factcheck("generate", cwd=tmp_path, env={**ENV, "SOURCE_DATE_EPOCH": epoch(BEFORE_EMBARGO)},
                     timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = every_output(tmp_path / "docs")
    assert "claims/published-one.md" in written and "claims.json" in written
    for kind, marks in HIDDEN.items():
        leaks = sorted(name for name, body in written.items() for text in marks.values() if text in body)
        assert leaks == [], f"the {kind} check leaks into {leaks}"


def test_the_deploy_workflow_rebuilds_daily_so_embargoes_lift() -> None:
    from test_cli import workflow

    data = workflow("deploy.yml")
    (entry,) = data["on"]["schedule"]
    minute, hour, *every = entry["cron"].split()
    assert every == ["*", "*", "*"] and 0 <= int(hour) <= 1 and 0 <= int(minute) < 60, entry["cron"]
    assert "push" in data["on"], "pushes still deploy"
