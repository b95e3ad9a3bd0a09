"""A news reader's view in Chromium (issue 24), on this repository's site and a generated one.

The repository's site is the session's shared build (test_browser.repo_site); the
generated site (bench/corpus.py, 200 checks, one build for this module) shows what a
few checks cannot: rows at scale, bars that differ with counts, page weight.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import sys
from typing import Any

import pytest
from conftest import ENV, REPO, mkdocs, serve_folder
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import DESKTOP, PHONE, RepoSite, browse, repo_site

pytestmark = pytest.mark.slow

sys.path.insert(0, str(REPO / "bench"))
GENERATED_CHECKS = 200
# A word the generated corpus does not have, written at the end of one analysis (far past its
# first block, which is all the search index keeps of it as text: searchindex.py).
UNIQUE_WORD, UNIQUE_AT = "quillwort", GENERATED_CHECKS // 3


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    return repo_site(tmp_path_factory)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A generated site of GENERATED_CHECKS checks, built and served; its base URL. The
    analysis of claim UNIQUE_AT ends with a paragraph holding UNIQUE_WORD."""
    from corpus import make_claims
    from sites import write_ours

    root = tmp_path_factory.mktemp("generated")
    claims = make_claims(GENERATED_CHECKS)
    assert not any(UNIQUE_WORD in claim.analysis.lower() for claim in claims)
    claims[UNIQUE_AT].analysis += f"\n\nOne more note: the {UNIQUE_WORD.capitalize()} report, read last."
    config = write_ours(root, claims)
    out = root / "site"
    proc = mkdocs("build", "-q", "-f", str(config), "--site-dir", str(out), cwd=root, env=ENV, timeout=600)
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


# --- 4. Keyboard below 1220 px: the closed menu is inert, every early stop is seen -------

FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "body", seen: false};
  let target = el, box = el.getBoundingClientRect();
  // Material's radio options are zero-sized; the label after one shows its focus ring.
  if ((box.width < 1 || box.height < 1) && el.nextElementSibling && el.nextElementSibling.tagName === "LABEL") {
    target = el.nextElementSibling; box = target.getBoundingClientRect();
  }
  let opacity = 1;
  for (let e = target; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  const inView = box.width >= 1 && box.height >= 1 && box.right > 0 && box.bottom > 0
    && box.left < innerWidth && box.top < innerHeight;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = inView ? document.elementFromPoint(x, y) : null;
  const onTop = !!hit && (target.contains(hit) || hit.contains(target)
    || !!(el.labels && [...el.labels].includes(hit)));
  const name = el.tagName + " " + (el.getAttribute("href") || el.className) + " "
    + (el.textContent || "").trim().slice(0, 40);
  return {name, seen: inView && onTop && opacity > 0.1 && getComputedStyle(target).visibility !== "hidden"};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_first_15_tab_stops_at_375_px_are_all_visible(browser: Any, site: RepoSite, generated: str,
                                                       scheme: str) -> None:
    unseen = []
    for base, paths in ((site.url, [site.pages["claim"], "", site.pages["claims"]]), (generated, [""])):
        with browse(browser, base, width=PHONE, height=812, scheme=scheme) as tab:
            for path in paths:
                page = tab.open(path)
                page.wait_for_function("() => document.querySelector('.md-sidebar--primary').inert")
                for stop in range(1, 16):
                    page.keyboard.press("Tab")
                    # Seen once the theme's transitions (the search box opening) have run.
                    with contextlib.suppress(PlaywrightTimeout):
                        page.wait_for_function(f"() => ({FOCUS_SEEN})().seen", timeout=1500)
                    focus = page.evaluate(FOCUS_SEEN)
                    if not focus["seen"]:
                        unseen.append((base, path, stop, focus["name"]))
                        break
            assert tab.errors == []
    assert unseen == []


def test_closed_menu_is_inert_and_skip_to_content_lands_on_the_claim(browser: Any, site: RepoSite) -> None:
    with browse(browser, site.url, width=PHONE, height=812) as tab:
        page = tab.open(site.pages["claim"])
        page.wait_for_function("() => document.querySelector('.md-sidebar--primary').inert")
        for _ in range(12):
            page.keyboard.press("Tab")
            assert not page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary')")
        # Opened, the menu takes focus again; closed, it is inert again.
        page.locator("label.md-header__button[for='__drawer']").click()
        page.wait_for_function("() => !document.querySelector('.md-sidebar--primary').inert")
        page.locator("label.md-overlay").click(position={"x": 360, "y": 400})
        page.wait_for_function("() => document.querySelector('.md-sidebar--primary').inert")
        # "Skip to content" is the first stop and lands on the claim, above its verdict.
        page.goto(site.url + site.pages["claim"])
        page.keyboard.press("Tab")
        skip = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
        assert skip == ["md-skip focus-visible", "#claim"] or skip[1] == "#claim", skip
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#claim"
        heading = page.locator("h1#claim").bounding_box()
        assert heading and 0 <= heading["y"] < 300
    with browse(browser, site.url, width=DESKTOP) as tab:
        page = tab.open("")
        assert not page.evaluate("() => document.querySelector('.md-sidebar--primary').inert")


# --- 5. Search finds the analysis and loads nothing until a reader searches ---------------

def _word_in_one_analysis(site: RepoSite) -> tuple[str, str]:
    """A word of one claim's analysis that no other page of the site has, and that claim's id."""
    index = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))

    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z]{8,}", text)}
    where: dict[str, set[str]] = {}
    for doc in index["docs"]:  # an analysis's words after its first block: searchindex.py
        for word in words(" ".join(doc.get(field, "") for field in ("title", "text", "words"))):
            where.setdefault(word, set()).add(doc["location"])
    for claim in sorted(site.data["claims"], key=lambda c: c["id"]):
        for word in sorted(words(claim["analysis"])):
            if where.get(word) == {f"claims/{claim['id']}/#analysis"}:
                return word, claim["id"]
    pytest.fail("no word of an analysis is in that analysis only")


def test_a_word_only_in_one_analysis_is_found_and_the_index_waits(browser: Any, site: RepoSite) -> None:
    word, claim_id = _word_in_one_analysis(site)
    with browse(browser, site.url) as tab:
        page = tab.page
        index_requests: list[str] = []
        page.on("request", lambda r: index_requests.append(r.url) if "search_index" in r.url else None)
        tab.open(site.pages["claim"])
        page.wait_for_load_state("networkidle")
        assert index_requests == [], "the index was fetched before anyone searched"
        page.locator(".md-search__input").click()
        page.keyboard.type(word)
        hits = page.locator(".md-search-result__link")
        hits.first.wait_for(timeout=15000)
        hrefs = hits.evaluate_all("els => els.map(a => a.getAttribute('href'))")
        assert index_requests and all(claim_id in href for href in hrefs), (word, hrefs)
        assert tab.errors == []


def test_a_word_only_in_analyses_is_found_on_a_generated_site(browser: Any, generated: str) -> None:
    """On the generated site, whose claim pages' index entries are made from their data
    (searchview.py): a word that only analyses have (its corpus has no word of one analysis
    alone) is found through the search box, in analyses."""
    docs = _index_docs(generated)
    where: dict[str, set[str]] = {}
    for doc in docs:
        for word in re.findall(r"[A-Za-z]{8,}", " ".join(doc.get(field, "") for field in ("title", "text", "words"))):
            where.setdefault(word.lower(), set()).add(doc["location"])
    word = min((w for w, places in where.items() if all(p.endswith("#analysis") for p in places)),
               key=lambda w: (len(where[w]), w))
    hrefs, _ = _search(browser, generated, sorted(where[word])[0].split("#")[0], word)
    assert any(href.endswith("#analysis") for href in hrefs), (word, hrefs)


def test_a_word_at_the_end_of_one_analysis_is_found_among_hundreds(browser: Any, generated: str) -> None:
    """Issue 24: the index keeps an analysis's first block as text and the rest as its distinct
    words (searchindex.py); a word of one analysis alone, written last, is found through the
    search box, and the result shows that analysis's first block, not a list of words."""
    docs = _index_docs(generated)
    holding = [doc for doc in docs if UNIQUE_WORD in (doc["title"] + doc["text"] + doc.get("words", "")).lower()]
    assert len(holding) == 1 and holding[0]["location"].endswith("#analysis"), holding
    analysis = holding[0]
    assert UNIQUE_WORD.capitalize() in analysis["words"].split() and UNIQUE_WORD not in analysis["text"].lower()
    first_block = " ".join(re.sub(r"<[^>]*>", " ", analysis["text"]).split())
    hrefs, teasers = _search(browser, generated, "", UNIQUE_WORD)
    claim_page = analysis["location"].split("#")[0]
    assert hrefs and all(claim_page in href for href in hrefs), hrefs
    shown = [" ".join(t.split()) for href, t in zip(hrefs, teasers, strict=True) if href.endswith("#analysis")]
    assert shown and first_block[:60] in shown[0], (first_block, shown)


def _index_docs(base: str) -> list[dict[str, Any]]:
    import urllib.request

    with urllib.request.urlopen(f"{base}search/search_index.json") as response:
        docs: list[dict[str, Any]] = json.loads(response.read())["docs"]
    return docs


def _search(browser: Any, base: str, path: str, word: str) -> tuple[list[str], list[str]]:
    """``word`` typed into the search box on ``path``: the results' links and their texts."""
    with browse(browser, base) as tab:
        page = tab.open(path)
        page.locator(".md-search__input").click()
        page.keyboard.type(word)
        hits = page.locator(".md-search-result__link")
        hits.first.wait_for(timeout=15000)
        hrefs = hits.evaluate_all("els => els.map(a => new URL(a.href).pathname + new URL(a.href).hash)")
        teasers = hits.evaluate_all("els => els.map(a => a.innerText)")
        assert tab.errors == []
        return hrefs, teasers


def _first_load_bytes(browser: Any, base: str, path: str) -> tuple[int, list[str]]:
    with browse(browser, base) as tab:
        sizes: dict[str, int] = {}

        def done(response: Any) -> None:
            with contextlib.suppress(Exception):  # an aborted (non-local) request has no body
                sizes[response.url] = len(response.body())

        tab.page.on("response", done)
        tab.open(path)
        tab.page.wait_for_load_state("networkidle")
        return sum(sizes.values()), sorted(sizes)


def test_claim_page_first_load_is_small_on_a_generated_site(browser: Any, generated: str) -> None:
    page_weight, fetched = _first_load_bytes(browser, generated, "")
    assert not any("search_index" in url for url in fetched), fetched
    with browse(browser, generated) as tab:
        claim = tab.open("").locator("ul.fc-list a.fc-list__headline").first.get_attribute("href")
    total, fetched = _first_load_bytes(browser, generated, claim or "")
    # Neither the search index nor the sitemap (material maps each rel=alternate link, our
    # feed's too, through it): both grow with the number of checks.
    assert not any(url.endswith(("search_index.json", "sitemap.xml")) for url in fetched), fetched
    # The whole first load of a claim page (HTML, CSS, scripts, fonts refused): well under 1 MiB.
    assert total < 1024 * 1024, (total, fetched)
    print(f"claim page first load at {GENERATED_CHECKS} checks: {total / 1024:.0f} KiB; "
          f"home {page_weight / 1024:.0f} KiB")


# --- 6. The site's own look, not a manual's --------------------------------------------------

MEASURE = """(selector) => { const p = document.querySelector(selector); if (!p) return null;
  const probe = document.createElement("span"); probe.textContent = "0".repeat(70);
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap"; p.appendChild(probe);
  const out = [p.getBoundingClientRect().width, probe.getBoundingClientRect().width]; probe.remove(); return out; }"""


def test_the_site_reads_as_its_own_news_site(browser: Any, site: RepoSite) -> None:
    with browse(browser, site.url, width=DESKTOP) as tab:
        page = tab.open(site.pages["claim"])
        # Its own mark in the header and the tab, not the theme's.
        assert (page.locator(".md-header__button.md-logo img").get_attribute("src") or "").endswith("assets/logo.svg")
        assert (page.locator("link[rel=icon]").get_attribute("href") or "").endswith("assets/logo.svg")
        # Article text at a readable measure: no line wider than about 70 characters.
        width, seventy = page.evaluate(MEASURE, ".fc-analysis p")
        assert width <= seventy * 1.02, (width, seventy)
        # Headings in the text colour, not faded.
        colours = page.evaluate("() => [getComputedStyle(document.querySelector('article h1')).color,"
                                " getComputedStyle(document.querySelector('.fc-analysis p')).color]")
        assert colours[0] == colours[1], colours
        # The reader's menu has no contributor guide, which stays linked from "Who we are".
        page = tab.open("")
        menu = page.locator(".md-sidebar--primary a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")
        assert menu and "/contribute/" not in menu, menu
        about = tab.open(site.pages["about"]).locator("article a").evaluate_all(
            "els => els.map(a => new URL(a.href).pathname)")
        assert "/contribute/" in about
        # A name's page is a list: no table-of-contents column beside it.
        page = tab.open(site.pages["claimant"])
        assert page.locator(".md-sidebar--secondary").is_hidden()
        # Topics read as written in the claim files, not as slugs.
        tags = tab.open("tags/").locator("article a[href*='export-controls']")
        assert tags.count() == 1 and re.fullmatch(r"export controls( \(\d+\))?", tags.inner_text().strip())
    with browse(browser, site.url, width=PHONE, height=812) as tab:
        page = tab.open("")
        shown = page.evaluate("() => [...document.querySelectorAll('ul.fc-list > li')]"
                              ".filter(li => li.getBoundingClientRect().bottom <= innerHeight).length")
        assert shown >= 2, "a phone's first screen shows fewer than two checks"


# --- 7. A citation goes to its source, and the source back to the citation --------------------

def test_a_citation_goes_to_its_source_and_back(browser: Any, site: RepoSite) -> None:
    with browse(browser, site.url, width=PHONE, height=812) as tab:
        page = tab.open(site.pages["claim"])
        mark = page.locator(".fc-analysis sup.fc-cite a").first
        target, own_id = mark.get_attribute("href"), mark.get_attribute("id")
        assert target and re.fullmatch(r"#source-\d+", target) and own_id
        assert page.evaluate("el => getComputedStyle(el.querySelector('.fc-sr')).width", mark.element_handle()) \
            == "1px", "the words for screen readers are not visually hidden"
        mark.click()
        page.wait_for_function(f"() => location.hash === '{target}'")
        source = page.locator(f"li{target}")
        box, header = source.bounding_box(), page.locator(".md-header").bounding_box()
        assert box and header and header["height"] <= box["y"] < 812, (box, header)
        back = source.locator(f"a.fc-backref[href='#{own_id}']")
        assert back.get_attribute("aria-label")
        back.click()
        page.wait_for_function(f"() => location.hash === '#{own_id}'")
        box = mark.bounding_box()
        assert box and 0 <= box["y"] < 812
        assert tab.errors == []
