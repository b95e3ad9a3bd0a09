"""A claimant's, an expert's and a topic's page in pages of `page_size` (issues 24 and 27).

One site, built with `page_size: 3`: the claimant "Page" (whose slug is the word later pages
live under), the topic "page" and the expert Gavin Baker each have 8 checks, so 3 pages of
3, 3 and 2; another claimant has one check and one page. The same claims built with the
default page size give the pages to compare page 1 with.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import BuildResult, claim_yaml, make_site_in
from test_ecosystem import check_links

pytestmark = pytest.mark.slow

CHECKS = 8
PAGE_SIZE = 3
# (kind, slug, the h1's id): each listed on 3 pages.
NAMES = [("claimants", "page", "claimant"), ("tags", "page", "tag"), ("experts", "gavin-baker", "expert")]
EXPECTED_ROWS = [3, 3, 2]


def write_claims(root: Path, plugin_options: str = "", config_extra: str = "") -> BuildResult:
    site = make_site_in(root, plugin_options=plugin_options, config_extra=config_extra)
    for i in range(CHECKS):
        site.write_claim(f"check-{i}.yml", claim_yaml(
            claim=f"Claim number {i}.", claimant="Page", tags=["page"], claim_date=None,
            published=f"2025-01-{i + 1:02d}", verdict=("false", "misleading", "true")[i % 3],
            quotes=[{"expert": "Gavin Baker", "role": "Analyst", "text": f"Quote number {i}."}]))
    site.write_claim("lonely.yml", claim_yaml(claim="A lonely claim.", claimant="Someone Else", tags=["other"],
                                              claim_date=None, quotes=[], published="2024-12-01"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return write_claims(tmp_path_factory.mktemp("paged"), plugin_options=f"page_size: {PAGE_SIZE}")


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return write_claims(tmp_path_factory.mktemp("whole"))


def pages_of(result: BuildResult, kind: str, slug: str) -> list[str]:
    """The name's pages' URLs, page 1 first, as far as they exist."""
    urls = [f"{kind}/{slug}/"]
    while (result.site / f"{kind}/{slug}/page/{len(urls) + 1}/index.html").is_file():
        urls.append(f"{kind}/{slug}/page/{len(urls) + 1}/")
    return urls


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def listed(html: str) -> list[str]:
    """The checks a page lists (their claim pages' ids), in order."""
    return re.findall(r'href="(?:\.\./)+claims/([\w-]+)/"><q>', article(html))


@pytest.mark.parametrize(("kind", "slug", "heading"), NAMES)
def test_rows_are_split_with_no_check_lost_or_repeated(paged: BuildResult, kind: str, slug: str,
                                                       heading: str) -> None:
    urls = pages_of(paged, kind, slug)
    assert len(urls) == len(EXPECTED_ROWS) and not (paged.site / f"{kind}/{slug}/page/1").exists()
    rows = [listed(paged.page(url)) for url in urls]
    assert [len(part) for part in rows] == EXPECTED_ROWS
    # Newest first across the pages, each check once.
    assert [claim for part in rows for claim in part] == [f"check-{i}" for i in reversed(range(CHECKS))]


@pytest.mark.parametrize(("kind", "slug", "heading"), NAMES)
def test_later_pages_say_which_page_they_are(paged: BuildResult, kind: str, slug: str, heading: str) -> None:
    urls = pages_of(paged, kind, slug)
    for number, url in enumerate(urls, start=1):
        html = paged.page(url)
        name = re.search(rf'<h1 id="{heading}">([^<]+)</h1>', html)
        assert name, url
        title = re.search(r"<title>([^<]+)</title>", html)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical and canonical.group(1) == f"https://checks.example.org/{url}"
        pagers = re.findall(r'<nav class="fc-pager".*?</nav>', article(html), re.S)
        assert len(pagers) == 2, url  # above and below the list
        assert f'<span aria-current="page">{number}</span>' in pagers[0]
        assert ('rel="prev"' in pagers[0]) == (number > 1) and ('rel="next"' in pagers[0]) == (number < len(urls))
        if number == 1:
            assert title and title.group(1) == f"{name.group(1)} - Test desk"
            assert "fc-page-of" not in html
        else:
            assert title and title.group(1) == f"{name.group(1)} (Page {number} of {len(urls)}) - Test desk"
            assert f'<p class="fc-lead fc-page-of">Page {number} of {len(urls)}</p>' in html


def test_every_link_resolves(paged: BuildResult) -> None:
    assert check_links(paged.site) == []


@pytest.mark.parametrize(("kind", "slug", "heading"), NAMES)
def test_page_one_keeps_its_summary(paged: BuildResult, whole: BuildResult, kind: str, slug: str,
                                    heading: str) -> None:
    """Page 1 is the name's page as it was, its list cut at page_size and a pager added."""
    split, one = article(paged.page(f"{kind}/{slug}/")), article(whole.page(f"{kind}/{slug}/"))
    start = '<nav class="fc-pager"'
    assert start not in one and len(listed(whole.page(f"{kind}/{slug}/"))) == CHECKS
    assert split[:split.index(start)] == one[:one.index(start) if start in one else _list_start(one)]


def _list_start(html: str) -> int:
    return min(html.index(mark) for mark in ('<ul class="fc-list">', '<figure class="fc-quote"') if mark in html)


def test_the_summary_is_on_page_one_only(paged: BuildResult) -> None:
    first, second = paged.page("claimants/page/"), paged.page("claimants/page/page/2/")
    for part in ('class="fc-chart"', "fc-selection-note", "fc-big-number"):
        assert part in first and part not in second, part
    assert 'class="fc-strip"' in paged.page("tags/page/")
    assert 'class="fc-strip"' not in paged.page("tags/page/page/2/")


def test_a_name_with_one_page_has_no_pager(paged: BuildResult) -> None:
    html = paged.page("claimants/someone-else/")
    assert 'class="fc-pager"' not in html and "A lonely claim." in html
    assert not (paged.site / "claimants/someone-else/page").exists()


def test_later_pages_are_in_the_sitemap_and_out_of_search_and_nav(paged: BuildResult) -> None:
    sitemap = re.findall(r"<loc>https://checks.example.org/([^<]*)</loc>", (paged.site / "sitemap.xml").read_text())
    later = [url for kind, slug, _ in NAMES for url in pages_of(paged, kind, slug)[1:]]
    assert all(sitemap.count(url) == 1 for url in later), sitemap
    index = json.loads((paged.site / "search/search_index.json").read_text(encoding="utf-8"))
    searched = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {"claimants/page/", "tags/page/", "experts/gavin-baker/"} <= searched
    assert not set(later) & searched
    nav = paged.page("")
    assert not any(f'href="{url}"' in nav for url in later)


def test_pages_follow_use_directory_urls_false(tmp_path: Path) -> None:
    result = write_claims(tmp_path, plugin_options=f"page_size: {PAGE_SIZE}",
                          config_extra="use_directory_urls: false\n")
    for kind, slug, _ in NAMES:
        assert (result.site / f"{kind}/{slug}.html").is_file()
        assert (result.site / f"{kind}/{slug}/page/3.html").is_file(), kind
    second = (result.site / "claimants/page/page/2.html").read_text(encoding="utf-8")
    assert 'href="../../page.html" rel="prev"' in second and 'href="3.html" rel="next"' in second
    assert check_links(result.site) == []
