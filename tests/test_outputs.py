"""What machines read: ClaimReview JSON-LD (via extruct), the Atom feed (via
feedparser), the JSON and CSV exports, social meta and git history."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import extruct
import feedparser
import pytest
from conftest import claim_yaml
from PIL import Image

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import make_site_in

    root = tmp_path_factory.mktemp("outputs")
    site = make_site_in(root)
    site.write_claim("cost.yml", claim_yaml(
        claimant_type="organization",
        claim='Costs were < $6M </script><script>alert("x")</script> & "cheap"',
        appearance=["https://example.org/a", "https://example.org/b"], updated="2025-02-02"))
    site.write_claim("older.yml", claim_yaml(claim="An older claim.", verdict="unproven",
                                              published="2025-01-01", claim_date=None, appearance=None))
    for i in range(30):
        site.write_claim(f"bulk-{i:02d}.yml", claim_yaml(claim=f"Bulk claim {i}.", verdict="true",
                                                        claimant=f"Person {i % 4}",
                                                        published=f"2025-03-{i % 28 + 1:02d}"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result


def reviews(html: str, url: str) -> list[dict]:
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
    return [item for item in data if item.get("@type") == "ClaimReview"]


def test_each_claim_page_has_exactly_one_complete_claim_review(site) -> None:
    page_url = "https://checks.example.org/claims/cost/"
    (review,) = reviews(site.page("claims/cost/"), page_url)
    assert review["url"] == page_url
    assert review["claimReviewed"].startswith("Costs were < $6M </script>")
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading",
                                      "ratingValue": 3, "bestRating": 6, "worstRating": 1}
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "DeepSeek"}
    assert review["itemReviewed"]["datePublished"] == "2025-01-20"
    assert [a["url"] for a in review["itemReviewed"]["appearance"]] == ["https://example.org/a",
                                                                        "https://example.org/b"]
    assert review["author"] == {"@type": "Organization", "name": "Test desk",
                                "url": "https://checks.example.org/"}
    assert review["datePublished"] == "2025-01-30" and review["dateModified"] == "2025-02-02"


def test_claim_text_cannot_end_the_json_ld_script(site) -> None:
    html = site.page("claims/cost/")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    assert json.loads(block)["claimReviewed"].endswith('& "cheap"')


def test_unproven_verdict_has_no_numeric_rating(site) -> None:
    (review,) = reviews(site.page("claims/older/"), "https://checks.example.org/claims/older/")
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}
    assert "datePublished" not in review["itemReviewed"]


def test_no_claim_review_on_other_pages(site) -> None:
    pages = [p for p in site.site.rglob("*.html") if "/claims/" not in p.as_posix() or p.parent.name == "claims"]
    assert len(pages) > 10
    for page in pages:
        assert reviews(page.read_text(), "https://checks.example.org/") == [], page


def test_feed_is_atom_newest_first_and_linked_from_every_page(site) -> None:
    feed = feedparser.parse((site.site / "feed.xml").read_bytes())
    assert feed.version == "atom10" and not feed.bozo
    assert feed.feed.title == "Test desk: Fact checks"
    published = [entry.published for entry in feed.entries]
    assert published == sorted(published, reverse=True)
    entry = next(e for e in feed.entries if e.link.endswith("/claims/cost/"))
    assert entry.title.startswith("Misleading: Costs were < $6M")
    assert "The figure covers the final training run only." in entry.summary
    assert entry.updated.startswith("2025-02-02")
    for page in ("", "claims/cost/", "scoreboard/", "tags/"):
        assert '<link rel="alternate" type="application/atom+xml"' in site.page(page)


def test_json_export_holds_every_claim(site) -> None:
    data = json.loads((site.site / "claims.json").read_text())
    assert data["version"] == 1 and data["count"] == 32 == len(data["claims"])
    cost = next(c for c in data["claims"] if c["id"] == "cost")
    assert cost["url"] == "https://checks.example.org/claims/cost/"
    assert cost["verdict"] == "misleading" and cost["verdict_label"] == "Misleading"
    assert cost["sources"][0]["url"] == "https://arxiv.org/abs/2412.19437"
    assert [r["key"] for r in data["scale"]][:2] == ["false", "mostly-false"]


def test_csv_export_is_spreadsheet_safe(site) -> None:
    rows = list(csv.DictReader(io.StringIO((site.site / "claims.csv").read_text())))
    assert len(rows) == 32
    assert {row["id"] for row in rows} >= {"cost", "older"}


def test_social_meta_carries_claim_and_verdict(site) -> None:
    html = site.page("claims/cost/")
    # The verdict leads the title; the description is the short answer, not the verdict again.
    assert '<meta property="og:title" content="Misleading: “Costs were &lt; $6M' in html
    assert '<meta property="og:description" content="The figure covers' in html
    assert '<meta property="og:url" content="https://checks.example.org/claims/cost/">' in html
    assert html.count('name="twitter:card" content="summary_large_image"') == 1
    # One share card, an absolute URL to a 1200x630 PNG in the built site, with its alt text.
    images = re.findall(r'<meta property="og:image" content="([^"]+)">', html)
    assert len(images) == 1 and images[0].startswith("https://checks.example.org/assets/factcheck/cards/cost-")
    with Image.open(site.site / images[0].removeprefix("https://checks.example.org/")) as card:
        assert card.format == "PNG" and card.size == (1200, 630)
    assert html.count('<meta property="og:image:alt" content="Fact check: Misleading. Claim by') == 1
    assert '<meta property="og:image:width" content="1200">' in html


def test_every_other_page_has_the_site_card(site) -> None:
    for url in ("", "scoreboard/", "claimants/", "sources/"):
        html = site.page(url)
        images = re.findall(r'<meta property="og:image" content="([^"]+)">', html)
        assert len(images) == 1 and "/cards/site-" in images[0], url
        assert (site.site / images[0].removeprefix("https://checks.example.org/")).is_file()
        assert html.count('content="summary_large_image"') == 1


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "GIT_AUTHOR_DATE": "2025-02-03T12:00:00", "GIT_COMMITTER_DATE": "2025-02-03T12:00:00",
                        "PATH": "/usr/bin:/bin"})


def commit_two_verdicts(site, first: str, second: str) -> None:
    """A git repository whose claim a.yml changed verdict in its second commit."""
    site.write_claim("a.yml", claim_yaml(verdict=first))
    git(site.root, "init", "-q")
    git(site.root, "add", ".")
    git(site.root, "commit", "-qm", "first")
    # A verdict readers saw change comes with a correction saying so (the published record).
    site.write_claim("a.yml", claim_yaml(verdict=second, updated="2025-02-03", corrections=[
        {"date": "2025-02-03", "note": "New evidence changed the verdict."}]))
    git(site.root, "commit", "-qam", "new evidence")


def test_git_history_lists_verdict_changes(make_site) -> None:
    site = make_site(config_extra="repo_url: https://github.com/example/checks\n")
    commit_two_verdicts(site, "unproven", "misleading")
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    html = result.page("claims/a/")
    assert "Verdict changes" in html
    assert "Unproven → Misleading" in html
    assert 'href="https://github.com/example/checks/commit/' in html
    # The change is dated in its list; the byline keeps one "Updated" date (the claim file's).
    assert '<li><time datetime="2025-02-03">February 3, 2025</time>: Unproven → Misleading' in html
    assert "Last changed" not in html


def test_outside_git_the_page_falls_back_to_updated(make_site) -> None:
    site = make_site()
    site.write_claim("a.yml", claim_yaml(updated="2025-02-05"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    html = result.page("claims/a/")
    assert "Verdict changes" not in html and "Last changed" not in html
    assert 'Updated <time datetime="2025-02-05">February 5, 2025</time>' in html


def test_shallow_clone_builds_and_says_its_history_is_cut(make_site, tmp_path) -> None:
    """A shallow clone (actions/checkout's default) builds, but never silently: the record
    cannot be checked and no verdict history is shown, so a warning names the fix."""
    site = make_site()
    commit_two_verdicts(site, "unproven", "true")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone))
    from conftest import Site

    result = Site(clone).build()
    assert result.returncode == 0, result.output
    assert (clone / "site" / "claims" / "a" / "index.html").is_file()
    assert "WARNING" in result.output and "shallow" in result.output and "fetch-depth: 0" in result.output
    assert Site(clone).build("--strict").returncode == 1  # strict sites fail on it
