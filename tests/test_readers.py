"""A news site's listings, navigation and charts (issue 24), read from one real build.

The site is small and built once for the module: a check with a finding-first
``headline``, checks with and without a claim date, one claimant with one check and
one with three, so "1 claim checked" and bars that differ with counts can be seen.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import BuildResult, claim_yaml, make_site_in
from mkdocs_factcheck.base.strings import BUNDLED, UnknownStrings, counted, strings_for

HEADLINE = "The six million dollar figure leaves out the research before the final run"


class Items(HTMLParser):
    """The text of each ``li.fc-list__item`` (or ``tr`` of the claims table) of a page."""

    def __init__(self, tag: str, cls: str | None) -> None:
        super().__init__()
        self.tag, self.cls = tag, cls
        self.items: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += tag == self.tag
        elif tag == self.tag and (self.cls is None or self.cls in (dict(attrs).get("class") or "").split()):
            self._depth = 1
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == self.tag:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.items[-1] += data

    @classmethod
    def of(cls, html: str, tag: str = "li", klass: str | None = "fc-list__item") -> list[str]:
        parser = cls(tag, klass)
        parser.feed(html)
        return [" ".join(item.split()) for item in parser.items]


def article(html: str) -> str:
    start = html.index('<article class="md-content__inner')
    return html[start : html.index("</article>\n", start)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    site = make_site_in(tmp_path_factory.mktemp("readers"))
    site.write_claim("cost.yml", claim_yaml(headline=HEADLINE, related=["chips", "stocks"]))
    site.write_claim("chips.yml", claim_yaml(
        claim="DeepSeek used only H800 chips.", verdict="unproven", claim_date=None, published="2025-02-03",
        tags=["export controls"]))
    site.write_claim("stocks.yml", claim_yaml(
        claim="DeepSeek wiped out a trillion dollars.", verdict="false", claimant="A pundit",
        claim_date="2024-11-05", published="2025-02-04", quotes=[]))
    site.write_claim("more.yml", claim_yaml(claim="DeepSeek is open source.", verdict="true",
                                            claim_date="2024-12-01", published="2025-02-05"))
    result = site.build()
    assert result.returncode == 0, result.output
    return result


# --- 1. Listings: claimant, quoted claim (or the headline), verdict and claim date ---------

LISTINGS = ["", "claimants/deepseek/", "tags/cost/", "sources/", "claims/cost/"]


@pytest.mark.slow
@pytest.mark.parametrize("url", LISTINGS, ids=[u or "home" for u in LISTINGS])
def test_every_listing_row_names_claimant_verdict_and_date(built: BuildResult, url: str) -> None:
    items = Items.of(article(built.page(url)))
    assert items, url
    labels = ("Misleading", "Unproven", "False", "True")
    for item in items:
        assert any(item.startswith(label) for label in labels), item
        assert re.search(r"(DeepSeek|A pundit)( said)?:", item), item
        assert re.search(r"(Said|Checked) on \w+ \d+, 20\d\d", item), item


@pytest.mark.slow
def test_a_headline_leads_its_row_and_the_claim_stays_quoted(built: BuildResult) -> None:
    html = article(built.page("claimants/deepseek/"))
    row = next(item for item in Items.of(html) if HEADLINE in item)
    assert row.index(HEADLINE) < row.index("DeepSeek: DeepSeek developed its R1 model")
    assert f'>{HEADLINE}</a>' in html
    assert "<q>DeepSeek developed its R1 model in two months for under $6 million.</q>" in html
    # Without a headline the quoted claim is the link, after who said it.
    assert re.search(r'DeepSeek</a> said:</span>\s*<a class="fc-list__headline" href="[^"]+"><q>DeepSeek used only',
                     html)


@pytest.mark.slow
def test_claim_date_shown_and_publication_date_when_there_is_none(built: BuildResult) -> None:
    items = Items.of(article(built.page("")))
    chips = next(i for i in items if "H800" in i)
    stocks = next(i for i in items if "trillion" in i)
    assert "Checked on February 3, 2025" in chips
    assert "Said on November 5, 2024" in stocks


@pytest.mark.slow
def test_related_checks_and_expert_quotes_are_labelled(built: BuildResult) -> None:
    related = article(built.page("claims/cost/")).split('id="related"')[1]
    rows = Items.of(related)
    assert len(rows) == 2 and any(r.startswith("False A pundit said:") for r in rows), rows
    expert = Items.of(article(built.page("experts/gavin-baker/")), "figcaption", None)
    assert expert and all(re.search(r"(DeepSeek|A pundit) said: \S", row) for row in expert), expert
    assert all(re.search(r"(Said|Checked) on", row) for row in expert), expert


@pytest.mark.slow
def test_claims_table_shows_the_headline_and_the_claim_date(built: BuildResult) -> None:
    rows = Items.of(article(built.page("claims/")), "tr", None)[1:]
    cost = next(r for r in rows if HEADLINE in r)
    assert "DeepSeek developed its R1 model" in cost and "said on January 20, 2025" in cost


# --- 3. Honest charts: bars to counts, months by claim date, plural rules -------------------

def _bar_scales(html: str) -> list[float]:
    return [float(x) for x in re.findall(r'class="fc-chart__bar"[^>]*\* ([0-9.]+)\)', html)]


@pytest.mark.slow
def test_one_check_is_a_short_bar_not_a_full_one(built: BuildResult) -> None:
    one = _bar_scales(built.page("claimants/a-pundit/"))
    three = _bar_scales(built.page("claimants/deepseek/"))
    assert one == [0.1], one
    assert sorted(three) == [0.1, 0.1, 0.1], three
    ranking = re.findall(r'<a href="[^"]*claimants/([a-z-]+)/">[^<]+</a>.*?class="fc-stack"[^>]*width: ([0-9.]+)%',
                         built.page("scoreboard/"), re.S)
    assert dict(ranking) == {"deepseek": "30.0", "a-pundit": "10.0"}, ranking


@pytest.mark.slow
def test_months_count_by_claim_date_and_fall_back_to_publication(built: BuildResult) -> None:
    html = built.page("scoreboard/")
    table = html[html.index("<caption>Fact checks per month</caption>"):]
    rows = re.findall(r'<th scope="row">(\w+ \d{4})</th><td>(\d+)</td>', table)
    assert rows == [("November 2024", "1"), ("December 2024", "1"), ("January 2025", "1"),
                    ("February 2025", "1")], rows


@pytest.mark.slow
def test_counts_use_the_languages_plural_rules(built: BuildResult) -> None:
    assert re.search(r">1</strong> claim checked\.", built.page("claimants/a-pundit/"))
    assert re.search(r">3</strong> claims checked\.", built.page("claimants/deepseek/"))
    assert ">1</strong> claim checked" in built.page("tags/export-controls/")
    assert 'content="A pundit: 1 claim checked"' in built.page("claimants/a-pundit/")


@pytest.mark.parametrize("language", sorted(BUNDLED))
def test_every_bundled_language_has_its_singular(language: str) -> None:
    t = strings_for(language)
    one, many = counted(t, "claims_checked", 1, language), counted(t, "claims_checked", 2, language)
    assert one != many and one == t["claims_checked_one"] and many == t["claims_checked"]
    assert counted(t, "total_checked", 1, language) == t["total_checked_one"]


def test_a_site_may_add_the_plural_forms_its_language_needs() -> None:
    t = strings_for("pl", {"claims_checked": "sprawdzonych twierdzeń", "claims_checked_one": "sprawdzone twierdzenie",
                           "claims_checked_few": "sprawdzone twierdzenia"})
    assert [counted(t, "claims_checked", n, "pl") for n in (1, 3, 5)] == [
        "sprawdzone twierdzenie", "sprawdzone twierdzenia", "sprawdzonych twierdzeń"]
    with pytest.raises(UnknownStrings):
        strings_for("en", {"no_such_key_one": "x"})


# --- 7. Share cards led by the verdict and the domain; share links -------------------------

@pytest.mark.slow
def test_claim_page_has_plain_share_links_to_its_own_address(built: BuildResult) -> None:
    html = built.page("claims/cost/")
    share = html[html.index('<nav class="fc-share"'):]
    share = share[: share.index("</nav>")]
    links = re.findall(r'href="([^"]+)"', share)
    page = "https%3A//checks.example.org/claims/cost/"
    assert len(links) == 6 and all(page in link for link in links), links
    assert {urlsplit(html_lib.unescape(link)).netloc or urlsplit(link).scheme for link in links} == {
        "bsky.app", "x.com", "www.facebook.com", "www.linkedin.com", "wa.me", "mailto"}
    assert "Misleading%3A%20%E2%80%9CDeepSeek%20developed" in share  # the verdict leads the text
    # Plain links: the page loads nothing from those services.
    assert not re.search(r'<script[^>]+src="https?://(?!checks\.example\.org)', html)


def test_cards_name_the_verdict_and_the_sites_domain() -> None:
    import io

    from mkdocs_factcheck.base import cards
    from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
    from mkdocs_factcheck.output.render import Renderer, SiteInfo
    from PIL import Image

    renderer = Renderer(strings_for("en"), DEFAULT_SCALE, SiteInfo("Desk", "https://www.checks.example.org/", "Org",
                                                                   "", "Desk", description="Checks of claims."))
    claim_card = renderer.claim_card(_claim())
    assert claim_card.caption == "Our verdict" and claim_card.kicker == "Fact check · checks.example.org"
    assert renderer.site_card().kicker == "Fact checks · checks.example.org"

    def ink(card: cards.Card) -> int:
        image = Image.open(io.BytesIO(cards.draw(card, cards.bundled_fonts()))).convert("L")
        part = image.crop((cards.MARGIN, cards.CAPTION_TOP, 600, cards.BADGE_TOP))  # above the badge
        return sum(1 for value in part.getdata() if value < 200)
    assert ink(claim_card) > 100
    assert ink(cards.Card(**{**claim_card.__dict__, "caption": ""})) == 0


def _claim():  # type: ignore[no-untyped-def]
    import yaml
    from mkdocs_factcheck.claims.model import Claim

    return Claim.model_validate(yaml.safe_load(claim_yaml()))


# --- 8. Long lists at a reader's size, with a pager ---------------------------------------

@pytest.fixture(scope="module")
def long_list(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """120 checks with the default page_size: three pages of the claims list."""
    site = make_site_in(tmp_path_factory.mktemp("long"))
    for i in range(120):
        site.write_claim(f"c{i:03d}.yml", claim_yaml(claim=f"Claim number {i}.", quotes=[], tags=[], claim_date=None,
                                                     published=f"2025-0{1 + i // 31}-{1 + i % 28:02d}"))
    result = site.build()
    assert result.returncode == 0, result.output
    return result


@pytest.mark.slow
def test_the_claims_list_has_50_rows_a_page_and_a_pager(long_list: BuildResult) -> None:
    pages = [long_list.page("claims/"), long_list.page("claims/page/2/"), long_list.page("claims/page/3/")]
    assert [len(Items.of(article(p), "tr", None)) - 1 for p in pages] == [50, 50, 20]
    assert not (long_list.site / "claims/page/4").exists()
    middle = article(pages[1])
    pager = middle[middle.index('<nav class="fc-pager"'):]
    pager = pager[: pager.index("</nav>")]
    assert re.search(r'<a href="[^"]+" rel="prev">Previous</a>', pager)
    assert re.search(r'<a href="[^"]+" rel="next">Next</a>', pager)
    assert '<span aria-current="page">2</span>' in pager
    # A later page says where it is, under its heading; page 1 does not.
    assert [p.count('<p class="fc-lead fc-page-of">') for p in pages] == [0, 1, 1]
    assert '<p class="fc-lead fc-page-of">Page 3 of 3</p>' in pages[2]


def test_a_pager_of_many_pages_stays_short() -> None:
    from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
    from mkdocs_factcheck.output.render import Renderer, SiteInfo

    env = Renderer(strings_for("en"), DEFAULT_SCALE, SiteInfo("Desk", "", "Org", "", "Desk")).env

    class FakeLinks:
        @staticmethod
        def to(src: str) -> str:
            return src

    pager = env.get_template("_macros.html").make_module({"links": FakeLinks()}).pager
    html = str(pager(100, [f"p{n}" for n in range(1, 201)]))
    numbers = [int(n) for n in re.findall(r">(\d+)<", html)]
    assert numbers == [1, 98, 99, 100, 101, 102, 200], numbers
    assert html.count("…") == 2
