"""The repo's site built three ways, checked the same way on each:

MkDocs 1.6 with the plugin, ProperDocs with the plugin, and Zensical from the
pages `factcheck generate` writes, with `page_size: 2` so that every kind of list
has later pages. Each build runs once per session, in a copy
of the site in a temp folder; the checks read what came out.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from conftest import ENV, copy_repo_site

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
ENGINES = ("mkdocs", "properdocs", "zensical")
# Every kind of list in pages (the claims list, sources, a claimant, topics): each engine publishes them all.
PAGE_SIZE = "page_size: 2"


def run(command: list[str], cwd: Path) -> str:
    proc = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{command}: {proc.stdout}{proc.stderr}"
    return proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """engine -> the built site folder."""
    root = tmp_path_factory.mktemp("engines")
    out = {}
    for engine in ("mkdocs", "properdocs"):
        site = copy_repo_site(root / engine, PAGE_SIZE)
        run([str(BIN / engine), "build", "--strict", "-d", str(site / "site")], site)
        out[engine] = site / "site"
    site = copy_repo_site(root / "zensical", PAGE_SIZE)
    run([str(BIN / "factcheck"), "generate"], site)
    run([str(BIN / "zensical"), "build", "--strict"], site)
    out["zensical"] = site / "site"
    return out


@pytest.fixture(scope="session")
def export(builds: dict[str, Path]) -> dict:
    return json.loads((builds["mkdocs"] / "claims.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """Links, head tags and JSON-LD of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.head_meta: dict[str, str] = {}
        self.head_links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._in_head = False
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._in_head = True
        for name in ("href", "src"):
            if name in a and tag in ("a", "link", "script", "img"):
                self.links.append(a[name])
        if self._in_head and tag == "meta" and ("property" in a or "name" in a):
            self.head_meta[a.get("property") or a["name"]] = a.get("content", "")
        if self._in_head and tag == "link":
            self.head_links.append(a)
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    @classmethod
    def read(cls, path: Path) -> Page:
        page = cls()
        page.feed(path.read_text(encoding="utf-8"))
        return page


def html_pages(site: Path) -> set[str]:
    """Every page's URL, without the engine's own (404, search)."""
    return {p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")} - {"./"} | (
        {""} if (site / "index.html").is_file() else set())


@pytest.mark.parametrize("engine", ENGINES)
def test_every_claim_page_exists_with_its_verdict_and_one_claim_review(builds, export, engine: str) -> None:
    site = builds[engine]
    assert export["count"] >= 8
    for claim in export["claims"]:
        path = site / "claims" / claim["id"] / "index.html"
        html = path.read_text(encoding="utf-8")
        badge = re.search(r'<h2 id="verdict"[^>]*>.*?</h2>', html, re.S)
        assert badge and claim["verdict_label"] in badge.group(0), (engine, claim["id"])
        reviews = [d for d in Page.read(path).json_ld if d.get("@type") == "ClaimReview"]
        assert len(reviews) == 1, (engine, claim["id"])
        assert reviews[0]["reviewRating"]["alternateName"] == claim["verdict_label"]
        assert reviews[0]["url"] == claim["url"]


@pytest.mark.parametrize("engine", ENGINES)
def test_claim_pages_carry_share_tags_and_feed_link_in_head(builds, export, engine: str) -> None:
    claim = export["claims"][0]
    page = Page.read(builds[engine] / "claims" / claim["id"] / "index.html")
    assert page.head_meta["og:url"] == claim["url"]
    assert claim["verdict_label"] in page.head_meta["og:title"]
    feeds = [link for link in page.head_links if link.get("type") == "application/atom+xml"]
    assert [link["href"] for link in feeds] == ["../../feed.xml"]


@pytest.mark.parametrize("engine", ENGINES)
def test_feed_and_exports_parse(builds, export, engine: str) -> None:
    site = builds[engine]
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    # Withdrawn checks stay in the feed, marked (issue 20), and out of the count of current ratings.
    assert not feed.bozo and len(feed.entries) == export["count"] + len(export["withdrawn"])
    data = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    assert data == export
    rows = list(csv.DictReader(io.StringIO((site / "claims.csv").read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == [c["id"] for c in export["claims"]]
    directory = json.loads((site / "claims-index.json").read_text(encoding="utf-8"))
    assert len(directory["claims"]) == export["count"]
    assert (site / "assets" / "factcheck" / "factcheck.css").stat().st_size > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_no_broken_internal_link(builds, engine: str) -> None:
    site = builds[engine]
    broken = []
    for path in site.rglob("*.html"):
        if path.name == "404.html":  # its links are written for whatever URL was missed
            continue
        for link in Page.read(path).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or link.startswith("#"):
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {link}")
    assert not broken, broken[:20]


def test_every_engine_publishes_the_same_urls(builds, export) -> None:
    pages = {engine: html_pages(site) for engine, site in builds.items()}
    assert pages["mkdocs"] == pages["properdocs"] == pages["zensical"]
    assert {f"claims/{c['id']}/" for c in export["claims"]} <= pages["zensical"]
    # Later pages of the lists, a claimant's and a topic's included (page_size 2).
    later = {url.split("/")[0] for url in pages["zensical"] if re.search(r"/page/\d+/$", url)}
    assert {"claims", "sources", "claimants", "tags"} <= later, later
    for name in ("feed.xml", "claims.json", "claims.csv", "claims-index.json",
                 "assets/factcheck/factcheck.css", "assets/factcheck/factcheck.js"):
        assert all((site / name).is_file() for site in builds.values()), name
