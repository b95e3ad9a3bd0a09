"""The form editor in Debian's Chromium, against `factcheck editor` (its local backend on 127.0.0.1).

One browser session walks a journalist's first check: open the editor, fill the form (claim,
claimant, verdict, two sources, a quote), save; the file validates, reads like a hand-written
one and builds into a claim page with its ClaimReview. Then the verdict is changed and a
correction added through the form, and git's diff shows those lines and nothing else. A hostile
value is typed into every text field: it stays text in the editor's preview and on the built
page. The screenshot in the README (docs/editor.png) is taken here when FACTCHECK_SCREENSHOT
names a file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_site_in, serve_folder
from mkdocs_factcheck import cli
from mkdocs_factcheck.claims.slugs import claim_id_for
from mkdocs_factcheck.tools import editor_local

pytestmark = pytest.mark.slow

# Each payload, if it ran, would call alert (the trap records it in window.__xss).
HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
MARKDOWN = '[click](javascript:alert(1)) <svg onload="alert(2)"></svg> {{ 7*7 }} {% raw %}'
URL = 'https://example.org/?q="><svg/onload=alert(3)>'
CLAIM = "The moon is made of cheese <img src=x onerror=alert(3)>"  # its slug fits in 60 characters
CLAIM_ID = claim_id_for(CLAIM)  # what `factcheck new` would name it

# A hand-written file: comments, folded text, a single appearance, quoted and bare values.
HAND_WRITTEN = """\
# yaml-language-server: $schema=../schema/claim.schema.json
# Editor's notes: kept through every save from the form.
claim: DeepSeek developed its R1 model in two months for under $6 million.
claimant: DeepSeek
claim_date: 2025-01-20
appearance: https://example.org/appearance
verdict: misleading   # the desk's call of 30 January
summary: >-
  The figure covers the final training run only,
  not the research before it.
sources:
  - title: "DeepSeek-V3 Technical Report"
    url: https://arxiv.org/abs/2412.19437
    date: 2024-12-27
tags: [cost, training]
published: 2025-01-30
"""

TRAP = """
(() => {
  const log = [];
  Object.defineProperty(window, "__xss", {configurable: false, get() { return log; },
                                          set(v) { log.push("window.__xss = " + v); }});
  window.alert = (...a) => log.push("alert(" + a.join(",") + ")");
})();
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    site = make_site_in(tmp_path, plugin_options="""
        history: off
        editor: {path: admin/, backend: {name: github, repo: desk/checks, open_authoring: true}}
    """)
    site.write_claim("deepseek-r1-cost.yml", HAND_WRITTEN)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "a desk")
    server = editor_local.make_server(tmp_path / "mkdocs.yml", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.origin + editor_local.ADMIN, tmp_path
    server.shutdown()
    server.server_close()


class Form:
    """The Decap entry form, field by field (Decap labels each control with `<name>-field-<n>`)."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def box(self, name: str, within: Any = None) -> Any:
        return (within or self.page).locator(f"label[for^='{name}-field-']").locator(
            "xpath=ancestor::div[contains(@class,'ControlContainer')][1]").last

    def type(self, name: str, value: str, within: Any = None) -> None:
        editable = self.box(name, within).locator("[role=textbox], input, textarea").first
        editable.click()
        if editable.get_attribute("role") == "textbox":  # the Markdown editor (Slate)
            self.page.keyboard.type(value)
        else:
            editable.fill(value)

    def choose(self, name: str, label: str) -> None:
        from playwright.sync_api import TimeoutError as Timeout

        chosen = self.box(name).locator("[class*='singleValue']").get_by_text(label, exact=True)
        for _ in range(3):  # a menu opened while the form re-renders can close before the click lands
            self.box(name).locator("[class*='control']").first.click()
            self.page.get_by_role("option", name=label, exact=True).click()
            try:
                chosen.wait_for(timeout=3000)
                return
            except Timeout:
                continue
        raise AssertionError(f"could not choose {label!r} in {name}")

    def add(self, name: str, button: str) -> Any:
        """Add an item to the list ``name``; the new (last) item's own container."""
        self.box(name).get_by_role("button", name=button).click()
        return self.box(name).locator("[class*='SortableListItem']").last

    def publish(self) -> None:
        self.page.get_by_role("button", name="Publish", exact=True).click()
        self.page.get_by_text("Publish now").click()
        self.page.get_by_text("Entry saved").last.wait_for()


def _saved(path: Path) -> str:
    for _ in range(100):
        if path.is_file():
            return path.read_text(encoding="utf-8")
        threading.Event().wait(0.1)
    raise AssertionError(f"the editor did not write {path}")


def test_a_journalists_first_check_through_the_form(browser: Any, desk: tuple[str, Path]) -> None:
    url, root = desk
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(TRAP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    form = Form(page)

    # 1. A new check through the form, a hostile value in every text field.
    page.goto(url)
    page.get_by_role("button", name="Login").click()
    page.get_by_role("link", name="Fact check").last.click()
    form.type("claim", CLAIM)
    form.type("claimant", "A. Person " + HTML)
    form.type("appearance", "https://example.org/said-it")
    form.choose("verdict", "Mostly false")
    form.type("summary", "It is *rock*. " + MARKDOWN)
    form.type("analysis", "Samples say so. " + HTML + " " + MARKDOWN)
    for n, title in enumerate(["Apollo sample report", "Lunar rock study"]):
        item = form.add("sources", "Add sources")
        form.type("title", f"{title} {HTML}", item)
        form.type("url", f"https://example.org/source-{n}" if n else URL, item)
        form.type("publisher", "Publisher " + HTML, item)
    quote = form.add("quotes", "Add quotes")
    form.type("expert", "Dr Rock " + HTML, quote)
    form.type("role", "Geologist " + HTML, quote)
    form.type("text", "Moons are rock. " + MARKDOWN, quote)
    form.type("source", URL, quote)
    tag = form.add("tags", "Add tags")
    form.type("item", "geology " + HTML, tag)
    related = form.box("related")  # a picker over the checks that exist
    related.locator("input").first.fill("DeepSeek")
    page.get_by_role("option", name="DeepSeek developed its R1 model in two months for under $6 million.").click()
    form.type("author", "Desk " + HTML)
    form.box("published").locator("input").first.fill("2025-02-01")
    reviewer = form.add("reviewed_by", "Add reviewed by")
    form.type("item", "Editor " + HTML, reviewer)
    form.choose("status", "published")

    # The preview shows every value as text: the payloads are there, as characters.
    preview = page.frame_locator("iframe").first.locator("article")
    preview.get_by_text("The moon is made of cheese").wait_for()
    shown = preview.inner_text()
    assert CLAIM in shown and HTML in shown and MARKDOWN in shown and URL in shown
    assert preview.locator("img, svg, script, a, iframe").count() == 0
    if os.environ.get("FACTCHECK_SCREENSHOT"):
        page.screenshot(path=os.environ["FACTCHECK_SCREENSHOT"])
    form.publish()

    path = root / "claims" / f"{CLAIM_ID}.yml"
    written = _saved(path)
    # It reads like a hand-written file: the model's key order, plain dates, no empty fields.
    data = yaml.safe_load(written)
    assert list(data) == ["claim", "claimant", "appearance", "verdict", "summary", "analysis", "sources", "quotes",
                          "tags", "related", "published", "author", "status", "reviewed_by"]
    assert data["related"] == ["deepseek-r1-cost"]  # the id, from the file name
    assert data["appearance"] == "https://example.org/said-it"  # one address: a string, as people write it
    assert data["claim"] == CLAIM and data["sources"][0]["url"] == URL and len(data["sources"]) == 2
    assert re.search(r"^published: 2025-02-01$", written, re.M)
    assert cli.main(["validate", "-f", str(root / "mkdocs.yml"), str(path)]) == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first check")

    # 2. It builds into a claim page with its ClaimReview, where every payload is inert.
    built = subprocess.run([*cli_mkdocs(), "build", "--strict"], cwd=root, capture_output=True, text=True,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    html = (root / "site" / "claims" / CLAIM_ID / "index.html").read_text(encoding="utf-8")
    reviews = [json.loads(block) for block in
               re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    review = next(r for r in reviews if r.get("@type") == "ClaimReview")
    assert review["claimReviewed"] == CLAIM
    base, stop = serve_folder(root / "site")
    try:
        reader = context.new_page()
        reader.goto(f"{base}claims/{CLAIM_ID}/")
        article = reader.locator("article.md-content__inner")
        assert "Moons are rock." in article.inner_text()
        assert article.locator("script, iframe, [onerror], [onload], a[href^='javascript']").count() == 0
        assert reader.evaluate("window.__xss") == []
        reader.close()
        # The published editor: Decap accepts the configuration made for GitHub (it would show
        # a configuration error instead of its login) and asks nothing of anyone before a login.
        published = context.new_page()
        outside: list[str] = []
        published.route(re.compile(r"^https?://(?!127\.0\.0\.1)"),
                        lambda route: (outside.append(route.request.url), route.abort()))
        published.goto(f"{base}admin/")
        published.get_by_role("button", name="Login with GitHub").wait_for()
        assert "Error loading the CMS configuration" not in published.inner_text("body")
        assert [u for u in outside if "github" in u and "status" not in u] == [], outside
        published.close()
    finally:
        stop()

    # 3. Edit the verdict and add a correction: the diff is those lines and nothing else.
    page.goto(f"{url}#/collections/claims/entries/{CLAIM_ID}")
    form.box("verdict").get_by_text("Mostly false", exact=True).wait_for()
    form.choose("verdict", "False")
    correction = form.add("corrections", "Add corrections")
    form.box("date", correction).locator("input").first.fill("2025-02-03")
    form.type("note", "Verdict changed after new samples. " + HTML, correction)
    form.publish()
    for _ in range(100):
        if "corrections" in path.read_text(encoding="utf-8"):
            break
        threading.Event().wait(0.1)
    diff = git(root, "diff", "--unified=0", "--", str(path))
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["verdict: mostly-false"], diff
    assert added[0] == 'verdict: "false"', diff  # quoted: YAML would read a bare false as a boolean
    assert yaml.safe_load("\n".join(added[1:])) == {"corrections": [
        {"date": date(2025, 2, 3), "note": f"Verdict changed after new samples. {HTML}"}]}, diff
    assert cli.main(["validate", "-f", str(root / "mkdocs.yml"), str(path)]) == 0

    # 4. A hand-written file edited in the form: only the changed line differs in git.
    page.goto(f"{url}#/collections/claims")
    page.get_by_role("link", name="DeepSeek developed its R1 model").click()
    form.box("verdict").get_by_text("Misleading", exact=True).wait_for()
    form.choose("verdict", "Mixed")
    form.publish()
    hand = root / "claims" / "deepseek-r1-cost.yml"
    for _ in range(100):
        if "mixed" in hand.read_text(encoding="utf-8"):
            break
        threading.Event().wait(0.1)
    assert hand.read_text(encoding="utf-8") == HAND_WRITTEN.replace(
        "verdict: misleading   # the desk's call of 30 January", "verdict: mixed")

    # Nothing ran in the editor, nothing broke its CSP, nothing left 127.0.0.1.
    assert page.evaluate("window.__xss") == []
    assert errors == []
    assert all(request.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")) for request in requests), \
        sorted(set(requests))
    context.close()


def cli_mkdocs() -> list[str]:
    import sys

    return [sys.executable, "-m", "mkdocs"]
