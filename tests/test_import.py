"""`factcheck import` on ClaimReview in the shapes real producers write: a WordPress page
with a Yoast graph and two reviews, microdata, Google's Fact Check Markup Tool DataFeed,
hostile and malformed markup, a huge feed, and a page served over HTTP."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ENV, Site, factcheck, make_site_in
from localweb import Answer, serve

pytestmark = [pytest.mark.slow, pytest.mark.network]

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MAPS = ["--map", "Mostly False=mostly-false", "--map", "true=true", "--map", "Half True=mixed",
        "--map", "Pants on Fire=false", "--map", "Mostly True=mostly-true", "--map", "False=false"]
LOCAL = ["--allow-host", "127.0.0.1"]  # the test's server; the command refuses loopback otherwise


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return factcheck(*args, cwd=cwd, env=ENV, timeout=120)


def fixture(name: str) -> str:
    return str(FIXTURES / name)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site_in(tmp_path)


def claims(site: Site) -> dict[str, dict[str, object]]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(site.claims.glob("*.yml"))}


def test_every_review_becomes_a_valid_claim_file(site: Site) -> None:
    proc = run("import", fixture("wordpress-page.html"), fixture("microdata-page.html"),
               fixture("markup-tool-feed.json"), *MAPS, cwd=site.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = claims(site)
    assert set(written) == {"council-bicycle-ban", "council-bicycle-ban-2", "river-cleaner-1990",
                            "unemployment-fifty-years", "bridge-budget"}
    bicycle = written["council-bicycle-ban"]
    assert bicycle == {
        "claim": "Brightport council has banned bicycles on the whole seafront.",
        "claimant": "Sam Carter", "claimant_type": "person", "claim_date": yaml.safe_load("2025-03-01"),
        # firstAppearance first, each URL once
        "appearance": ["https://social.example.com/@samcarter/111", "https://news.example.net/brightport-seafront"],
        "verdict": "mostly-false",
        "summary": "The ban covers one 400-metre stretch on summer weekends, not the whole seafront.",
        "sources": [{"title": "Did a council ban bicycles on the seafront?",
                     "url": "https://factdesk.example.org/fact-checks/council-bicycle-ban/",
                     "publisher": "Example Fact Desk", "date": yaml.safe_load("2025-03-04")}],
        "published": yaml.safe_load("2025-03-04"), "updated": yaml.safe_load("2025-03-06"),
        "author": "Example Fact Desk", "status": "draft",
    }
    parking = written["council-bicycle-ban-2"]  # the second review on the same page
    assert parking["claimant"] == "Brightport Residents Group" and parking["claimant_type"] == "organization"
    assert parking["verdict"] == "true" and parking["appearance"] == "https://residents.example.com/newsletter-march"
    river = written["river-cleaner-1990"]  # microdata
    assert river["claimant"] == "Dana Whitfield" and river["verdict"] == "mixed"
    assert river["appearance"] == "https://video.example.org/watch/abc123"
    assert river["sources"][0]["publisher"] == "River Checkers"  # type: ignore[index]
    feed = written["unemployment-fifty-years"]  # DataFeed
    assert feed["verdict"] == "false" and feed["claimant"] == "Minister R. Alvarez"
    assert feed["summary"] == "Rated “Pants on Fire” in the original fact check."
    assert "not carried over: reviewRating.ratingValue (5 reviews)" in proc.stdout
    assert "not carried over: itemReviewed.author.jobTitle (2 reviews)" in proc.stdout
    assert "wrote claims/bridge-budget.yml (https://verifica.example.com/checks/bridge-budget/)" in proc.stdout
    assert run("validate", cwd=site.root).returncode == 0
    assert site.build().returncode == 0


def test_google_fact_check_tools_api_answers(site: Site) -> None:
    proc = run("import", fixture("fact-check-tools-pages.json"), fixture("fact-check-tools-search.json"),
               "--map", "Exaggerated=misleading", *MAPS, cwd=site.root)
    assert proc.returncode == 0, proc.stdout
    written = claims(site)
    water = written["water-bills-tripled"]
    assert water["claimant"] == "Lee Morgan" and "claimant_type" not in water  # the API gives no type
    assert water["appearance"] == ["https://radio.example.com/shows/morning/2024-09-10",
                                   "https://clips.example.net/v/83920"]
    assert water["verdict"] == "misleading" and water["claim_date"] == yaml.safe_load("2024-09-10")
    assert water["summary"] == "Average bills rose by about 40 per cent, not 200 per cent."
    assert water["published"] == yaml.safe_load("2024-09-14") and water["author"] == "Check Desk"
    trees = written["city-trees"]
    assert (trees["claimant"], trees["verdict"], trees["claim_date"], trees["published"]) == (
        "City Hall", "mostly-true", yaml.safe_load("2024-03-02"), yaml.safe_load("2024-03-08"))
    assert trees["sources"] == [{"title": "Did the city plant 10,000 trees?",
                                 "url": "https://checkdesk.example.org/2024/03/city-trees/",
                                 "publisher": "Check Desk", "date": yaml.safe_load("2024-03-08")}]
    assert "not carried over: itemReviewed.contentLocation (1 review)" in proc.stdout
    assert "not carried over: inLanguage (1 review)" in proc.stdout


def test_a_rerun_skips_what_is_already_imported(site: Site) -> None:
    assert run("import", fixture("markup-tool-feed.json"), *MAPS, cwd=site.root).returncode == 0
    again = run("import", fixture("markup-tool-feed.json"), fixture("wordpress-page.html"), *MAPS, cwd=site.root)
    assert again.returncode == 0, again.stdout
    assert "already imported: claims/bridge-budget.yml cites https://verifica.example.com/checks/bridge-budget/" \
        in again.stdout
    assert set(claims(site)) == {"unemployment-fifty-years", "bridge-budget", "council-bicycle-ban",
                                 "council-bicycle-ban-2"}


def test_the_same_review_twice_is_one_claim_and_ids_skip_index(site: Site) -> None:
    review = {"@type": "ClaimReview", "url": "https://x.example.org/checks/tram-fares/index.html",
              "claimReviewed": "Tram fares doubled.", "datePublished": "2025-02-01",
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A Person"}},
              "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    source = site.root / "twice.json"
    source.write_text(json.dumps({"@graph": [review, {"@type": "WebPage"}, review]}), encoding="utf-8")
    proc = run("import", str(source), str(source), *MAPS, cwd=site.root)
    assert proc.returncode == 0, proc.stdout
    assert set(claims(site)) == {"tram-fares"}


def test_an_unmapped_rating_is_reported_and_nothing_is_written(site: Site) -> None:
    proc = run("import", fixture("wordpress-page.html"), fixture("markup-tool-feed.json"),
               "--map", "Mostly False=mostly-false", "--map", "True=true", cwd=site.root)
    assert proc.returncode == 1
    assert "unmapped rating 'Pants on Fire' (1 review): add --map \"Pants on Fire=KEY\"" in proc.stdout
    assert "unmapped rating 'Mostly True'" in proc.stdout
    assert "nothing written" in proc.stdout.splitlines()[-1]
    assert list(site.claims.iterdir()) == []


def test_a_mapping_file_works_and_bad_mappings_are_usage_errors(site: Site) -> None:
    mapping = site.root / "ratings.yml"
    mapping.write_text("Mostly False: mostly-false\nTRUE: true\n", encoding="utf-8")
    assert run("import", fixture("wordpress-page.html"), "--map-file", str(mapping), cwd=site.root).returncode == 0
    assert set(claims(site)) == {"council-bicycle-ban", "council-bicycle-ban-2"}
    bad = run("import", fixture("wordpress-page.html"), "--map", "True=correct", cwd=site.root)
    assert bad.returncode == 2 and "'correct' is not a verdict" in bad.stderr


def test_ids_never_overwrite_an_existing_claim(site: Site) -> None:
    existing = site.write_claim("bridge-budget.yml", "claim: mine\n")
    proc = run("import", fixture("markup-tool-feed.json"), *MAPS, cwd=site.root)
    assert proc.returncode == 0, proc.stdout
    assert existing.read_text(encoding="utf-8") == "claim: mine\n"
    assert "wrote claims/bridge-budget-2.yml" in proc.stdout


def test_hostile_markup_arrives_as_inert_text(site: Site) -> None:
    proc = run("import", fixture("hostile-page.html"), *MAPS, cwd=site.root)
    assert proc.returncode == 0, proc.stdout
    (text,) = [p.read_text(encoding="utf-8") for p in site.claims.glob("*.yml")]
    data = yaml.safe_load(text)
    assert data["claim"] == "Vaccines contain microchips & trackers"
    assert data["claimant"] == "Anon Poster" and data["author"] == "Evil Desk"
    assert data["appearance"] == "https://social.example.com/post/9"  # javascript: dropped
    assert "not carried over: itemReviewed.appearance without an http(s) url (1 review)" in proc.stdout
    assert "markup removed" in proc.stdout
    (path,) = site.claims.glob("*.yml")  # imported as a draft: published here to see the page
    path.write_text(text.replace("status: draft", "status: published"), encoding="utf-8")
    page = site.build().page("claims/vaccine-microchips/")
    assert "<svg/onload" not in page and "alert(document.cookie)" not in page and "onerror" not in page


def test_malformed_json_ld_stops_the_whole_import(site: Site) -> None:
    proc = run("import", fixture("wordpress-page.html"), fixture("malformed-page.html"), *MAPS, cwd=site.root)
    assert proc.returncode == 1
    assert f"{fixture('malformed-page.html')}:7: malformed JSON-LD: Expecting property name" in proc.stdout
    assert list(site.claims.iterdir()) == []


def test_missing_required_parts_are_named(site: Site) -> None:
    review = {"@type": "ClaimReview", "url": "https://x.example.org/checks/no-date",
              "claimReviewed": "A claim.", "reviewRating": {"alternateName": "False"}}
    source = site.root / "one.json"
    source.write_text(json.dumps(review), encoding="utf-8")
    proc = run("import", str(source), *MAPS, cwd=site.root)
    assert proc.returncode == 1
    assert "one.json: review 1 (https://x.example.org/checks/no-date): no itemReviewed.author.name" in proc.stdout
    assert "no datePublished as YYYY-MM-DD" in proc.stdout
    assert list(site.claims.iterdir()) == []


def test_huge_feeds_are_refused_not_half_imported(site: Site) -> None:
    item = json.loads((FIXTURES / "markup-tool-feed.json").read_text(encoding="utf-8"))["dataFeedElement"][1]
    feed = {"@type": "DataFeed", "dataFeedElement": [item] * 101}
    source = site.root / "big.json"
    source.write_text(json.dumps(feed), encoding="utf-8")
    many = run("import", str(source), *MAPS, "--max-reviews", "100", cwd=site.root)
    assert many.returncode == 1 and "101 reviews found, over --max-reviews 100" in many.stdout
    large = run("import", str(source), *MAPS, "--max-bytes", "1000", cwd=site.root)
    assert large.returncode == 1 and "over --max-bytes 1,000" in large.stdout
    deep = site.root / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    nested = run("import", str(deep), *MAPS, cwd=site.root)
    assert nested.returncode == 1 and "nested too deeply" in nested.stdout
    assert list(site.claims.iterdir()) == []


def test_a_page_fetched_over_http(site: Site) -> None:
    page = (FIXTURES / "microdata-page.html").read_bytes()
    with serve({"/check.html": Answer(200, page, {"Content-Type": "text/html"})}) as web:
        proc = run("import", web.url("/check.html"), web.url("/missing.html"), *MAPS, *LOCAL, cwd=site.root)
        assert proc.returncode == 1 and f"{web.url('/missing.html')}: the server answered 404" in proc.stdout
        assert run("import", web.url("/check.html"), *MAPS, *LOCAL, cwd=site.root).returncode == 0
    assert set(claims(site)) == {"river-cleaner-1990"}


def test_dry_run_writes_nothing(site: Site) -> None:
    proc = run("import", fixture("markup-tool-feed.json"), *MAPS, "--dry-run", cwd=site.root)
    assert proc.returncode == 0
    assert "would write claims/unemployment-fifty-years.yml" in proc.stdout
    assert list(site.claims.iterdir()) == []
