"""The attack corpus in a real browser: nothing a contributor wrote runs.

Sites built from tests/attacks/ are served on 127.0.0.1 and opened in Debian's
Chromium through Playwright. Before any page script runs, a trap replaces alert,
confirm, prompt and print and guards ``window.__xss`` (corpus payloads call or set
them); dialogs, page errors, console output and every request are recorded. A page
fails if a trap fired, a dialog opened, it navigated away (meta refresh, base), it
asked for a javascript:, data: or vbscript: URL or for the attacker's host, or its
live DOM holds an event handler or such a URL. Synthetic hover and focus events are
sent to every element of the content, so handlers that wait for a reader fire too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attacks
import pytest
from conftest import serve_folder

pytestmark = pytest.mark.slow

TRAP = """
(() => {
  const log = [];
  const record = (what) => { log.push(String(what).slice(0, 200)); };
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get() { return log; },
    set(value) { record("window.__xss = " + String(value)); },
  });
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    Object.defineProperty(window, name, {
      configurable: false, writable: false,
      value: (...args) => record(name + "(" + args.map(String).join(", ") + ")"),
    });
  }
  Object.defineProperty(window, "__xssReport", {
    configurable: false, writable: false, value: () => log.slice(),
  });
})();
"""

# Runs in the page after load: what is active in the live DOM, after the theme's scripts.
INSPECT = """
() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "data", "poster", "background",
                         "cite", "xlink:href", "srcset", "ping", "srcdoc", "to", "values"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || name === "srcdoc") {
        found.push(`<${element.localName} ${name}="${attribute.value.slice(0, 80)}">`);
      } else if (urlAttributes.includes(name)) {
        let protocol = "";
        try { protocol = new URL(attribute.value, document.baseURI).protocol; } catch (error) {}
        if (["javascript:", "data:", "vbscript:"].includes(protocol)) {
          found.push(`<${element.localName} ${name}="${attribute.value.slice(0, 80)}">`);
        }
      }
    }
  }
  for (const element of document.querySelectorAll(
      "base, iframe, frame, object, embed, applet, meta[http-equiv]")) {
    found.push(element.outerHTML.slice(0, 120));
  }
  if (document.baseURI !== location.href.split("#")[0]) {
    found.push("document base changed to " + document.baseURI);
  }
  return found;
}
"""

# Hover and focus everything the content holds, to wake handlers that wait for a reader.
PROVOKE = """
() => {
  const types = ["mouseover", "mouseenter", "pointerover", "pointerenter", "focus", "focusin",
                 "animationstart", "transitionend", "toggle", "load", "error"];
  for (const element of document.querySelectorAll("article *, .md-nav *, title, head *")) {
    for (const type of types) {
      element.dispatchEvent(new Event(type));
    }
  }
}
"""


@dataclass
class Visit:
    """Everything one page load did that contributor text must never make it do."""

    url: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Reader:
    """One browser tab with the trap installed, reused page after page."""

    page: Any
    origin: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def visit(self, url: str, *, search: str = "") -> Visit:
        for log in (self.dialogs, self.errors, self.console, self.requests):
            log.clear()
        visit = Visit(url)
        self.page.goto(url, wait_until="load")
        if search:
            self.page.locator("input.md-search__input").fill(search)
            self.page.wait_for_selector(".md-search-result__item", timeout=15_000)
        self.page.evaluate(PROVOKE)
        self.page.wait_for_timeout(100)  # let timers, refreshes and late handlers run
        visit.problems += [f"trap: {entry}" for entry in self.page.evaluate("window.__xssReport()")]
        visit.problems += [f"live DOM: {entry}" for entry in self.page.evaluate(INSPECT)]
        visit.problems += [f"dialog: {entry}" for entry in self.dialogs]
        visit.problems += [f"page error: {entry}" for entry in self.errors]
        visit.problems += [f"console: {entry}" for entry in self.console
                           if "xss" in entry.lower() or "alert" in entry.lower()]
        for request in self.requests:
            scheme = request.split(":", 1)[0].lower()
            if scheme in ("javascript", "data", "vbscript") or "xss.example" in request:
                visit.problems.append(f"request: {request[:120]}")
        if self.page.url.split("#")[0] != url.split("#")[0]:
            visit.problems.append(f"navigated to {self.page.url}")
        return visit


@pytest.fixture
def reader(browser: Any) -> Iterator[Reader]:
    context = browser.new_context(java_script_enabled=True, service_workers="block")
    context.add_init_script(TRAP)
    page = context.new_page()
    state = Reader(page, "http://127.0.0.1")

    def on_dialog(dialog: Any) -> None:
        state.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: state.errors.append(str(error)[:200]))
    page.on("console", lambda message: state.console.append(message.text[:200]))
    page.on("request", lambda request: state.requests.append(request.url))

    def only_local(route: Any) -> None:
        # The site is served locally; nothing else is fetched (fonts fail fast, offline).
        if route.request.url.startswith(state.origin):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    yield state
    context.close()


def _served(built: attacks.BuiltSite) -> Iterator[tuple[str, attacks.BuiltSite]]:
    assert built.returncode == 0, built.output
    base, stop = serve_folder(built.site)
    yield base, built
    stop()


@pytest.fixture(scope="module")
def packed() -> Iterator[tuple[str, attacks.BuiltSite]]:
    yield from _served(attacks.packed_attack_site())


@pytest.fixture(scope="module")
def rotated() -> Iterator[tuple[str, attacks.BuiltSite]]:
    yield from _served(attacks.attack_site())


def _pages(site: Path, folder: str, limit: int | None = None) -> list[str]:
    found = sorted(p.parent.relative_to(site).as_posix() + "/"
                   for p in (site / folder).glob("*/index.html"))
    return found[:limit]


def _report(visits: list[Visit]) -> str:
    lines = [f"{visit.url}: {problem}" for visit in visits for problem in visit.problems]
    return f"{len(lines)} problems:\n" + "\n".join(lines[:60])


def test_the_trap_catches_a_script(reader: Reader, tmp_path: Path) -> None:
    """The harness itself: an unsanitised page must be caught every way we look."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><p>x</p><article><p onmouseover="alert(3)">hover</p></article>'
        '<img src="missing.png" onerror="alert(1)"><script>window.__xss = "set"; confirm(2)</script>'
        '<a href="javascript:alert(4)">j</a><iframe src="data:text/html,x"></iframe>',
        encoding="utf-8")
    base, stop = serve_folder(tmp_path)
    reader.origin = base.rstrip("/")
    try:
        visit = reader.visit(base)
    finally:
        stop()
    found = "\n".join(visit.problems)
    for expected in ("trap: alert(1)", "trap: confirm(2)", "trap: alert(3)", "window.__xss = set",
                     'onerror="alert(1)"', 'href="javascript:alert(4)"', "<iframe"):
        assert expected in found, found


def test_claim_pages_run_nothing(reader: Reader, packed: tuple[str, attacks.BuiltSite]) -> None:
    """Every claim page of the packed site: the whole corpus in every text field."""
    base, built = packed
    reader.origin = base.rstrip("/")
    pages = _pages(built.site, "claims")
    assert len(pages) >= len(attacks.corpus()) // 12
    visits = [reader.visit(base + page) for page in pages]
    assert not any(visit.problems for visit in visits), _report(visits)


@pytest.mark.parametrize("folder", ["claimants", "experts", "tags"])
def test_name_pages_run_nothing(folder: str, reader: Reader,
                                packed: tuple[str, attacks.BuiltSite]) -> None:
    """A name is in its page's title and heading; the listings test shows every name,
    and the claim pages every name in context, so a sample of these pages will do."""
    base, built = packed
    reader.origin = base.rstrip("/")
    pages = _pages(built.site, folder)[::3]
    assert pages
    visits = [reader.visit(base + page) for page in pages]
    assert not any(visit.problems for visit in visits), _report(visits)


LISTINGS = ["", "scoreboard/", "claims/", "claimants/", "experts/", "tags/", "sources/"]


def test_listings_of_every_payload_run_nothing(reader: Reader,
                                               rotated: tuple[str, attacks.BuiltSite]) -> None:
    """The rotated site has one claim, claimant, expert and tag per payload: its listings
    show every payload as a title, a name and a link text on one page each."""
    base, built = rotated
    reader.origin = base.rstrip("/")
    pages = LISTINGS + _pages(built.site, "claimants", 4) + _pages(built.site, "experts", 4) \
        + _pages(built.site, "tags", 4) + _pages(built.site, "claims", 4)
    visits = [reader.visit(base + page) for page in pages]
    assert not any(visit.problems for visit in visits), _report(visits)


@pytest.mark.parametrize("query", ["alert", "script onerror", "javascript"])
def test_search_results_run_nothing(query: str, reader: Reader,
                                    rotated: tuple[str, attacks.BuiltSite]) -> None:
    """The theme's search shows titles and text from the index as HTML."""
    base, _ = rotated
    reader.origin = base.rstrip("/")
    visit = reader.visit(base, search=query)
    assert reader.page.locator(".md-search-result__item").count() > 0
    assert not visit.problems, _report([visit])
