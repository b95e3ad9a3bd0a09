"""What only a real browser shows, on the repository's own site.

Pages render, the verdict is visible and named for assistive technology, the
scoreboard's filter and sort work from the keyboard alone, everything is there
without JavaScript, nothing scrolls sideways on a phone, dark mode keeps its
contrast, and the README's screenshots are taken here.

Playwright drives Debian's Chromium (conftest's session-wide ``browser``). The site
is built once per session (``repo_site``, shared with test_a11y.py and
test_markup_valid.py) and served on 127.0.0.1; requests to anywhere else (the
theme's web fonts) are refused, so a run never touches the network.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ENV, REPO, copy_repo_site, mkdocs, serve_folder

pytestmark = pytest.mark.slow

SCREENSHOTS = REPO / "docs" / "screenshots"
PHONE = 375
DESKTOP = 1280
HEADLINE_CLAIM = "deepseek-r1-cost-under-6-million"


# --- The built site, shared by every browser test of the session ------------------------


@dataclass
class RepoSite:
    """The repository's site, built and served; ``pages`` names the pages under test."""

    root: Path
    url: str
    data: dict[str, Any]
    claim: dict[str, Any]
    pages: dict[str, str] = field(default_factory=dict)

    def file(self, name: str) -> Path:
        return self.root / self.pages[name] / "index.html"

    def label(self, key: str) -> str:
        return next(r["label"] for r in self.data["scale"] if r["key"] == key)


_SHARED: dict[str, RepoSite] = {}


def repo_site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    """Build the repository's site once per test session and serve it."""
    if "site" not in _SHARED:
        out = tmp_path_factory.mktemp("repo-site")
        proc = mkdocs("build", "--site-dir", str(out), cwd=REPO, env=ENV, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        url, _stop = serve_folder(out)  # a daemon thread: it ends with the test process
        data = json.loads((out / "claims.json").read_text(encoding="utf-8"))
        # The headline claim (the README's screenshots show it) or else the richest one.
        claim = max(data["claims"], key=lambda c: (c["id"] == HEADLINE_CLAIM, bool(c["quotes"]),
                                                   len(c["sources"]), c["id"]))
        claim_path = f"claims/{claim['id']}/"
        html = (out / claim_path / "index.html").read_text(encoding="utf-8")
        claimant = re.search(r'href="\.\./\.\./(claimants/[^/"]+/)"', html)
        expert = re.search(r'href="\.\./\.\./(experts/[^/"]+/)"', html)
        assert claimant and expert, f"{claim_path} links no claimant or expert page"
        _SHARED["site"] = RepoSite(out, url, data, claim, {
            "home": "", "claim": claim_path, "scoreboard": "scoreboard/",
            "claimant": claimant.group(1), "expert": expert.group(1),
            "methodology": "methodology/", "claims": "claims/", "sources": "sources/",
            "claimants": "claimants/", "about": "about/",
        })
    return _SHARED["site"]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    return repo_site(tmp_path_factory)


def paged_repo_site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    """The repository's site with `page_size: 2`, built once per session and served: ``pages``
    names a later page of each kind of list (a claimant's, an expert's, a topic's, the claims list)."""
    if "paged" not in _SHARED:
        root = copy_repo_site(tmp_path_factory.mktemp("paged-repo-site") / "repo", "page_size: 2")
        proc = mkdocs("build", "--strict", cwd=root, env=ENV, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out = root / "site"
        url, _stop = serve_folder(out)
        pages = {}
        for kind in ("claimants", "experts", "tags"):
            later = sorted(out.glob(f"{kind}/*/page/2/index.html"))
            assert later, f"no {kind} page has a page 2 at page_size 2"
            pages[f"{kind}-page-2"] = later[0].parent.relative_to(out).as_posix() + "/"
        pages["claims-page-2"] = "claims/page/2/"
        data = json.loads((out / "claims.json").read_text(encoding="utf-8"))
        _SHARED["paged"] = RepoSite(out, url, data, data["claims"][0], pages)
    return _SHARED["paged"]


@dataclass
class Tab:
    """One browser context and page, with the uncaught script errors it saw."""

    page: Any
    base: str
    errors: list[str]

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page


def _local_only(route: Any) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@contextmanager
def browse(browser: Any, base: str, *, width: int = DESKTOP, height: int = 900,
           scheme: str = "light", js: bool = True) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  java_script_enabled=js, reduced_motion="reduce")
    context.route("**/*", _local_only)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield Tab(page, base, errors)
    finally:
        context.close()


def wait_for_scripts(page: Any) -> None:
    """Our script has set up every table (it runs once material's bundle has loaded)."""
    page.wait_for_function("() => [...document.querySelectorAll('table[data-fc-sortable]')]"
                           ".every(t => t.dataset.fcReady)")


# --- Pages render -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "claim", "scoreboard", "claimant", "expert"])
def test_page_renders(browser, site, name):
    with browse(browser, site.url) as tab:
        page = tab.open(site.pages[name])
        wait_for_scripts(page)
        heading = page.locator("article h1").first
        assert heading.is_visible()
        assert heading.inner_text().strip()
        assert page.title().strip()
        if name == "claim":
            # Labelled and quoted, never the bare claim; the tab title leads with the verdict.
            assert page.locator("article h1 q").inner_text().strip() == site.claim["claim"]
            assert heading.text_content().strip().startswith("Claim:")
            label = site.claim["verdict_label"]
            assert page.title().startswith(f"{label}: “{site.claim['claim']}” | Fact check | ")
            assert page.locator(".fc-summary").inner_text().strip()
        if name in {"home", "scoreboard", "claimant"}:
            assert page.locator(".fc-badge").count() > 0
        if name == "expert":
            assert page.locator("figure.fc-quote blockquote").count() > 0
        assert tab.errors == []


def test_verdict_badge_is_visible_and_named(browser, site):
    label = site.label(site.claim["verdict"])
    assert label == site.claim["verdict_label"]
    with browse(browser, site.url) as tab:
        page = tab.open(site.pages["claim"])
        badge = page.locator(".fc-card .fc-badge--big")
        assert badge.is_visible()
        box = badge.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 10
        # The verdict heading's accessible name carries the label (the icon is hidden).
        heading = page.get_by_role("heading", level=2, name=re.compile(re.escape(label)))
        assert heading.is_visible()
        assert label in heading.aria_snapshot()
        assert badge.locator("svg").get_attribute("aria-hidden") == "true"
        # In the related list too, each badge's label is part of its item's text.
        page.goto(site.url + site.pages["scoreboard"])
        items = page.locator("ul.fc-list").first.get_by_role("listitem")
        assert items.count() > 0
        for i in range(items.count()):
            item = items.nth(i)
            item_label = item.locator(".fc-badge__label").inner_text()
            assert item_label in item.aria_snapshot()


# --- A fact-check page that reads like one ------------------------------------------------

FIRST_SCREENS = [(DESKTOP, 720, "light"), (DESKTOP, 720, "dark"), (PHONE, 812, "light"), (PHONE, 812, "dark")]


@pytest.mark.parametrize(("width", "height", "scheme"), FIRST_SCREENS,
                         ids=[f"{w}px-{s}" for w, _, s in FIRST_SCREENS])
def test_the_verdict_is_on_the_first_screen_of_every_claim_page(browser, site, width, height, scheme):
    """Every claim of the site, however long: the claim is labelled and the verdict's badge is
    fully visible without scrolling; no docs chrome (site menu, TOC column) beside it."""
    below = []
    with browse(browser, site.url, width=width, height=height, scheme=scheme) as tab:
        for claim in site.data["claims"]:
            page = tab.open(f"claims/{claim['id']}/")
            badge = page.locator(".fc-card .fc-badge--big").bounding_box()
            assert badge is not None
            if badge["y"] + badge["height"] > height:
                below.append((claim["id"], round(badge["y"] + badge["height"])))
            assert page.locator("article h1 .fc-claim__label").is_visible()
            assert page.locator(".md-sidebar--primary").is_hidden() or width < 1220
            assert page.locator(".md-sidebar--secondary").is_hidden()
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], (claim["id"], widths)
        assert tab.errors == []
    assert below == []


def test_share_tags_name_one_card_that_exists(browser, site):
    """og:image (absolute, 1200x630 PNG in the built site), its alt text and the large Twitter card:
    each exactly once on every claim page, and a site card on the other pages."""
    from PIL import Image

    base = site.claim["url"].split("claims/")[0]  # the site_url
    paths = [f"claims/{c['id']}/" for c in site.data["claims"]] + ["", "scoreboard/", "sources/", site.pages["expert"]]
    with browse(browser, site.url) as tab:
        for path in paths:
            page = tab.open(path)
            head = page.locator("head")
            for selector in ('meta[property="og:image"]', 'meta[property="og:image:alt"]',
                             'meta[name="twitter:card"]', 'meta[property="og:title"]'):
                assert head.locator(selector).count() == 1, (path, selector)
            assert head.locator('meta[name="twitter:card"]').get_attribute("content") == "summary_large_image"
            image = head.locator('meta[property="og:image"]').get_attribute("content")
            assert image and image.startswith(base) and image.endswith(".png"), image
            assert ("/cards/site-" in image) != path.startswith("claims/"), (path, image)
            assert head.locator('meta[property="og:image:alt"]').get_attribute("content")
            response = page.request.get(site.url + image.removeprefix(base))
            assert response.ok, image
            with Image.open(io.BytesIO(response.body())) as card:
                assert (card.format, card.size) == ("PNG", (1200, 630))


# --- Keyboard only: filter and sort -------------------------------------------------------


def _tab_to(page: Any, predicate: str, limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate}); }}"):
            return
    pytest.fail(f"Tab never reached: {predicate}")


def _row_matches(claim: dict[str, Any], words: list[str]) -> bool:
    text = " ".join([claim["claim"], claim["claimant"], claim["verdict_label"], claim["published"]]).lower()
    return all(word in text for word in words)


def test_filter_works_with_keyboard_only(browser, site):
    claims = site.data["claims"]
    # A verdict some claims have and others not, typed as a reader would.
    counts = {r["label"]: sum(c["verdict_label"] == r["label"] for c in claims) for r in site.data["scale"]}
    query = min((n, label) for label, n in counts.items() if 0 < n < len(claims))[1]
    words = query.lower().split()
    expected = sum(_row_matches(c, words) for c in claims)
    assert 0 < expected < len(claims)
    with browse(browser, site.url) as tab:
        page = tab.open(site.pages["claims"])
        wait_for_scripts(page)
        _tab_to(page, "el.id === 'fc-filter-input'")
        page.keyboard.type(query)
        rows = page.locator("#fc-all-claims tbody tr")
        page.wait_for_function(f"() => document.querySelectorAll('#fc-all-claims tbody tr:not([hidden])')"
                               f".length === {expected}")
        visible = [rows.nth(i) for i in range(rows.count()) if rows.nth(i).is_visible()]
        assert len(visible) == expected
        assert all(query.lower() in row.inner_text().lower() for row in visible)
        status = page.locator(".fc-filter [role=status]")
        assert re.search(rf"\b{expected}\b.*\b{len(claims)}\b", status.inner_text())
        # Clearing the box shows every row again and empties the status.
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.wait_for_function("() => !document.querySelector('#fc-all-claims tbody tr[hidden]')")
        assert status.inner_text().strip() == ""
        assert tab.errors == []


def test_sort_buttons_work_with_enter_and_space(browser, site):
    with browse(browser, site.url) as tab:
        page = tab.open(site.pages["claims"])
        wait_for_scripts(page)
        table = page.locator("#fc-all-claims")
        headers = table.locator("thead th")
        published = headers.nth(3)
        _tab_to(page, "el.id === 'fc-filter-input'")
        _tab_to(page, "el.matches('#fc-all-claims th:nth-child(4) > button.fc-sort')", limit=6)
        dates = table.locator("tbody td:nth-child(4)")

        page.keyboard.press("Enter")
        assert published.get_attribute("aria-sort") == "ascending"
        assert [headers.nth(i).get_attribute("aria-sort") for i in range(3)] == ["none"] * 3
        ascending = [dates.nth(i).get_attribute("data-sort") for i in range(dates.count())]
        assert ascending == sorted(ascending)

        page.keyboard.press("Space")
        assert published.get_attribute("aria-sort") == "descending"
        descending = [dates.nth(i).get_attribute("data-sort") for i in range(dates.count())]
        assert descending == sorted(descending, reverse=True)
        # Focus stays on the button, so a keyboard user can keep toggling.
        assert page.evaluate("() => document.activeElement.closest('th') !== null")

        # Another column: verdicts by their rating value, worst first.
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("() => document.activeElement.matches('#fc-all-claims th:nth-child(3) > button')")
        page.keyboard.press("Enter")
        assert headers.nth(2).get_attribute("aria-sort") == "ascending"
        assert published.get_attribute("aria-sort") == "none"
        values = table.locator("tbody td:nth-child(3)")
        ranks = [float(values.nth(i).get_attribute("data-sort")) for i in range(values.count())]
        assert ranks == sorted(ranks)
        assert tab.errors == []


# --- Without JavaScript -------------------------------------------------------------------


def test_claim_page_without_javascript_shows_everything(browser, site):
    claim = site.claim
    with browse(browser, site.url, js=False) as tab:
        page = tab.open(site.pages["claim"])
        assert page.locator("article h1 q").inner_text().strip() == claim["claim"]
        assert page.locator(".fc-card .fc-badge--big").is_visible()
        assert page.locator(".fc-card .fc-badge--big").inner_text().strip() == claim["verdict_label"]
        assert page.locator(".fc-summary").is_visible()
        assert page.locator(".fc-summary").inner_text().strip()
        if claim["analysis"]:
            assert page.locator(".fc-analysis").is_visible()
        sources = page.locator("ol.fc-sources > li")
        assert sources.count() == len(claim["sources"])
        assert all(sources.nth(i).is_visible() for i in range(sources.count()))
        quotes = page.locator("figure.fc-quote")
        assert quotes.count() == len(claim["quotes"])
        assert all(quotes.nth(i).is_visible() for i in range(quotes.count()))


@pytest.mark.parametrize("name", ["claims"])
def test_full_claims_table_without_javascript(browser, site, name):
    with browse(browser, site.url, js=False) as tab:
        page = tab.open(site.pages[name])
        rows = page.locator("#fc-all-claims tbody tr")
        assert rows.count() == site.data["count"] == len(site.data["claims"])
        assert all(rows.nth(i).is_visible() for i in range(rows.count()))
        shown = {rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())}
        assert shown == {c["claim"] for c in site.data["claims"]}
        # The filter needs script, so it stays hidden, and the headers stay plain text.
        assert page.locator(".fc-filter").is_hidden()
        assert page.locator("button.fc-sort").count() == 0


# --- Phone width --------------------------------------------------------------------------


def test_no_page_scrolls_sideways_on_a_phone(browser, site):
    extra = ["sources/", "tags/", "experts/", "claimants/"]
    overflowing = []
    with browse(browser, site.url, width=PHONE, height=812) as tab:
        for path in [*site.pages.values(), *extra]:
            page = tab.open(path)
            wait_for_scripts(page)
            widths = page.evaluate("() => [document.documentElement.scrollWidth,"
                                   " document.documentElement.clientWidth]")
            if widths[0] > widths[1]:
                overflowing.append((path or "/", widths))
        assert tab.errors == []
    assert overflowing == []


# --- Contrast in both colour schemes ------------------------------------------------------

CONTRAST_JS = """
(selectors) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255];
    for (const c of layers.reverse()) colour = over(c, colour);
    return colour;
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ownText = (el) => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const out = [];
  for (const [kind, selector] of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.getClientRects().length || !ownText(el)) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      out.push({kind, text: el.textContent.trim().slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05),
                fg: style.color, bg: "rgb(" + bg.map(Math.round).join(", ") + ")"});
    }
  }
  return out;
}
"""

CHECKED = [
    ["text", "article.md-content__inner p, article.md-content__inner li, article.md-content__inner td,"
             " article.md-content__inner dd, article.md-content__inner dt, article.md-content__inner blockquote p"],
    ["muted", ".md-typeset .fc-meta, .md-typeset .fc-kicker, .md-typeset .fc-quote figcaption,"
              " .md-typeset .fc-chart__pct, .md-typeset caption"],
    ["link", "article.md-content__inner a[href]:not(.headerlink)"],
    ["badge", ".fc-badge__label"],
    ["stance", ".fc-stance"],
]


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_text_links_and_badges_keep_contrast(browser, site, scheme):
    low = []
    with browse(browser, site.url, scheme=scheme) as tab:
        for name in ["claim", "scoreboard", "expert", "home"]:
            page = tab.open(site.pages[name])
            wanted = "slate" if scheme == "dark" else "default"
            page.wait_for_selector(f'body[data-md-color-scheme="{wanted}"]', state="attached")
            found = page.evaluate(CONTRAST_JS, CHECKED)
            kinds = {item["kind"] for item in found}
            assert {"text", "link", "badge"} <= kinds, (name, kinds)
            low += [(name, item) for item in found if item["ratio"] < 4.5]
    assert low == []


# --- Screenshots for the README -----------------------------------------------------------


def test_screenshots(browser, site):
    """Writes docs/screenshots/{claim,scoreboard,sources}-{desktop,phone}.png (light scheme) and
    share-card.png, the card a shared link to the headline claim shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        ("claim", "desktop"): (DESKTOP, 1600), ("claim", "phone"): (PHONE, 1800),
        ("scoreboard", "desktop"): (DESKTOP, 1600), ("scoreboard", "phone"): (PHONE, 1800),
        ("sources", "phone"): (PHONE, 1200),
    }
    for (name, device), (width, max_height) in shots.items():
        with browse(browser, site.url, width=width, height=900 if width == DESKTOP else 812) as tab:
            page = tab.open(site.pages[name])
            wait_for_scripts(page)
            page.evaluate("() => document.fonts.ready")
            height = min(page.evaluate("() => document.documentElement.scrollHeight"), max_height)
            path = SCREENSHOTS / f"{name}-{device}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide",
                            clip={"x": 0, "y": 0, "width": width, "height": height})
            assert path.stat().st_size > 10_000
            assert tab.errors == []
    html = site.file("claim").read_text(encoding="utf-8")
    card = re.search(r'<meta property="og:image" content="https?://[^/]+/([^"]+)">', html)
    assert card
    (SCREENSHOTS / "share-card.png").write_bytes((site.root / card.group(1)).read_bytes())


# --- A paginated claims list filters across every page --------------------------------------


def test_filter_on_a_paginated_list_searches_every_claim(browser, tmp_path):
    from conftest import claim_yaml, make_site_in, serve_folder
    from playwright.sync_api import expect

    site = make_site_in(tmp_path, plugin_options="page_size: 2")
    for i in range(5):
        text = "A claim about <b>zebras</b>." if i == 0 else f"Claim number {i}."
        site.write_claim(f"c{i}.yml", claim_yaml(claim=text, claim_date=None, published=f"2025-01-0{i + 1}"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    base, stop = serve_folder(result.site)
    try:
        with browse(browser, base) as tab:
            page = tab.open("claims/")  # page 1: the two newest claims, not c0
            wait_for_scripts(page)
            assert page.locator("#fc-all-claims tbody tr").count() == 2
            page.get_by_label("Filter the list").fill("zebras")
            expect(page.locator(".fc-filter__status")).to_have_text("1 of 1 shown")  # fetched and filtered
            row = page.locator("#fc-all-claims tbody tr")
            assert row.count() == 1
            assert row.first.locator("a").inner_text() == "A claim about <b>zebras</b>."
            assert row.first.locator(".fc-badge").inner_text() == "Misleading"
            assert page.locator("#fc-all-claims b").count() == 0  # text, never markup
            row.first.locator("a").click()
            page.wait_for_url("**/claims/c0/")
            page.go_back()
            wait_for_scripts(page)
            page.get_by_label("Filter the list").fill("")
            assert page.locator("#fc-all-claims tbody tr").count() == 2
            assert tab.errors == []
    finally:
        stop()
