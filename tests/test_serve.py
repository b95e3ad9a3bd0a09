"""`mkdocs serve` for real: claim edits show up live, a broken claim file shows a located
error on the pages and in the terminal without stopping the server, and fixing it recovers."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ENV, MKDOCS, claim_yaml, make_site_in
from mkdocs_factcheck.base.cards import FOLDER

# Process groups and SIGTERM as used here are POSIX.
pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="POSIX only"), pytest.mark.slow, pytest.mark.network]
TIMEOUT = 60.0
BANNER = "Some claim files have errors"


class Server:
    """A `mkdocs serve` process in its own process group, with its output collected."""

    def __init__(self, root: Path, *extra: str, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{self.port}", "--livereload", *extra],
            cwd=root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str) -> str | None:
        """The page's HTML, or None while it is not served."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                text: str = response.read().decode("utf-8")
                return text
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, what: str, check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.proc.returncode}) waiting for {what}:\n"
                            + self.output)
            if check():
                return
            time.sleep(0.25)
        pytest.fail(f"timed out after {TIMEOUT:.0f} s waiting for {what}:\n{self.output}")

    def page_shows(self, path: str, *texts: str) -> Callable[[], bool]:
        def check() -> bool:
            html = self.get(path)
            return html is not None and all(text in html for text in texts)
        return check

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    site = make_site_in(tmp_path)
    site.write_claim("cost.yml", claim_yaml())
    running = Server(tmp_path)
    try:
        yield running, site.claims
    finally:
        running.stop()


def test_serve_reloads_claims_and_shows_errors_without_stopping(server: tuple[Server, Path]) -> None:
    srv, claims = server
    srv.wait_for("the claim page", srv.page_shows("claims/cost/", "The figure covers the final"))

    # An edit to a claim file is rebuilt and served.
    (claims / "cost.yml").write_text(claim_yaml(summary="Edited: one training run only."),
                                     encoding="utf-8")
    srv.wait_for("the edited summary", srv.page_shows("claims/cost/", "Edited: one training run only."))

    # A broken claim: the server stays up, pages carry a located error notice, and so does
    # the terminal. claim_yaml puts `verdict` on line 5, its value at column 10.
    (claims / "broken.yml").write_text(claim_yaml(verdict="flase"), encoding="utf-8")
    located = "claims/broken.yml:5:10: unknown verdict"
    srv.wait_for("the error notice", srv.page_shows("", BANNER, located))
    srv.wait_for("the error in the terminal", lambda: located in srv.output)
    assert srv.proc.poll() is None
    assert BANNER in (srv.get("claims/cost/") or ""), "valid claims stay served, with the notice"
    broken = srv.get("claims/broken/") or ""
    assert located in broken, "the broken claim's own URL shows its error, not a bare 404"
    assert "ClaimReview" not in broken, "an invalid claim is not published as a fact check"

    # Fixing the file recovers: the claim is published and the notice is gone.
    (claims / "broken.yml").write_text(claim_yaml(verdict="false"), encoding="utf-8")
    srv.wait_for("the fixed claim's page", srv.page_shows("claims/broken/", "False"))
    srv.wait_for("the notice to go", lambda: BANNER not in (srv.get("") or BANNER))
    assert srv.proc.poll() is None


def test_server_process_group_is_ended(tmp_path: Path) -> None:
    make_site_in(tmp_path).write_claim("cost.yml", claim_yaml())
    srv = Server(tmp_path)
    try:
        srv.wait_for("the home page", srv.page_shows("", "Test site"))
    finally:
        srv.stop()
    assert srv.proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(srv.proc.pid, 0)


def _search_pages(srv: Server) -> list[str]:
    """The pages (location before '#') of every entry in the served search index, in order."""
    index = json.loads(srv.get("search/search_index.json") or "{}")
    return [doc["location"].split("#")[0] for doc in index.get("docs", [])]


def _search_text(srv: Server, page: str) -> str:
    index = json.loads(srv.get("search/search_index.json") or "{}")
    return " ".join(doc["title"] + " " + doc["text"] for doc in index.get("docs", [])
                    if doc["location"].split("#")[0] == page)


def _nav_titles(html: str) -> list[str]:
    """The link texts of the site navigation (material's primary nav) of a page."""
    nav = html[html.index('md-nav--primary'):]
    nav = nav[:nav.index("</nav>")]
    return re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav, re.S)


def test_dirty_serve_rebuilds_only_the_pages_an_edit_changes(tmp_path: Path) -> None:
    """`serve --dirty` (what `make serve` runs) on a strict site: an edit rebuilds the pages it
    changes and no other generated page, and the site served is the one a full build makes:
    the home page's markers, the navigation, a whole search index, the error banner on every
    page and off again, and a deleted claim gone."""
    site = make_site_in(tmp_path, config_extra="strict: true\n", pages={
        "index.md": "# Test site\n\n<!-- factcheck:latest -->\n\n<!-- factcheck:brief -->\n"})
    site.write_claim("edited.yml", claim_yaml())
    site.write_claim("other.yml", claim_yaml(claim="Another claim.", claimant="Someone else", tags=["x"]))
    site.write_claim("neighbour.yml", claim_yaml(claim="A neighbour.", claimant="Third", related=["edited"]))
    srv = Server(tmp_path, "--dirty", "--verbose")
    try:
        srv.wait_for("the first build", srv.page_shows("claims/edited/", "The figure covers the final"))
        srv.wait_for("the first build's end", lambda: "Documentation built" in srv.output)
        assert "A 'dirty' build" not in srv.output, "factcheck answers MkDocs' warning (strict would abort)"
        found = re.search(r"Config value 'site_dir' = '([^']+)'", srv.output)
        assert found, srv.output
        built = Path(found.group(1))
        pages = {name: built / name / "index.html" for name in ("claims/edited", "claims/other",
                                                                  "claimants/someone-else")}
        before = {name: path.stat().st_mtime_ns for name, path in pages.items()}
        searched = _search_pages(srv)
        assert len(set(searched)) > 8 and "claims/other/" in searched, searched
        nav = _nav_titles(srv.get("claims/other/") or "")
        assert "Scoreboard" in nav, nav
        srv.lines.clear()
        (site.claims / "edited.yml").write_text(claim_yaml(summary="Edited summary."), encoding="utf-8")
        srv.wait_for("the edit", srv.page_shows("claims/edited/", "Edited summary."))
        srv.wait_for("the rebuild's end", lambda: "Documentation built" in srv.output)
        after = {name: path.stat().st_mtime_ns for name, path in pages.items()}
        assert after["claims/edited"] > before["claims/edited"]
        unchanged = [name for name in pages if name != "claims/edited"]
        assert [after[name] for name in unchanged] == [before[name] for name in unchanged]
        assert "Another claim." in (srv.get("claims/other/") or "")
        # The rebuilt page's navigation names the pages that were not rebuilt.
        assert _nav_titles(srv.get("claims/edited/") or "") == nav
        # Every page is still in the search index, once, and the edited one with its new text.
        assert _search_pages(srv) == searched
        assert "Edited summary." in _search_text(srv, "claims/edited/")
        assert "The figure covers the final" not in _search_text(srv, "claims/edited/")

        # A page that shows another claim's text is rebuilt when that text changes, and so is
        # the hand-written home page whose markers list it.
        (site.claims / "edited.yml").write_text(claim_yaml(claim="A renamed claim."), encoding="utf-8")
        srv.wait_for("the related claim's new text", srv.page_shows("claims/neighbour/", "A renamed claim."))
        srv.wait_for("the home page's latest checks", srv.page_shows("", "A renamed claim."))
        for listing in ("claimants/deepseek/", "tags/cost/", "experts/gavin-baker/", "claims/"):
            assert "A renamed claim." in (srv.get(listing) or ""), listing
        assert after["claims/other"] == pages["claims/other"].stat().st_mtime_ns
        assert _search_pages(srv) == searched

        # A broken claim: the banner on every page, an unchanged one too; fixed, it goes.
        (site.claims / "broken.yml").write_text(claim_yaml(verdict="flase"), encoding="utf-8")
        srv.wait_for("the error notice", srv.page_shows("claims/other/", BANNER))
        assert BANNER in (srv.get("") or "")
        (site.claims / "broken.yml").write_text(claim_yaml(claim="Now fixed.", verdict="false"), encoding="utf-8")
        srv.wait_for("the fixed claim", srv.page_shows("", "Now fixed."))
        for page in ("", "claims/other/", "claims/edited/", "claimants/someone-else/"):
            assert BANNER not in (srv.get(page) or BANNER), page
        assert set(_search_pages(srv)) == set(searched) | {"claims/broken/"}

        # A deleted claim: its pages are gone, and so are its listings and search entries.
        (site.claims / "other.yml").unlink()
        srv.wait_for("the deleted claim's page to go", lambda: srv.get("claims/other/") is None)
        assert srv.get("claimants/someone-else/") is None
        assert "Another claim." not in (srv.get("claims/") or "Another claim.")
        assert "Another claim." not in (srv.get("claimants/") or "Another claim.")
        assert not {"claims/other/", "claimants/someone-else/", "tags/x/"} & set(_search_pages(srv))
        assert srv.proc.poll() is None
        shutil.copytree(built, tmp_path / "served-dirty")
    finally:
        srv.stop()
    # After all that, the same files as a full build of the same claims (the share cards of
    # earlier versions of a claim aside: nothing links to them).
    full = Server(tmp_path, "--verbose", port=srv.port)  # the same address in the pages
    try:
        full.wait_for("the full build", lambda: "Documentation built" in full.output)
        found = re.search(r"Config value 'site_dir' = '([^']+)'", full.output)
        assert found, full.output
        dirty, whole = _tree(tmp_path / "served-dirty"), _tree(Path(found.group(1)))
    finally:
        full.stop()
    stale = {name for name in set(dirty) - set(whole) if name.startswith(FOLDER + "/")}
    assert sorted(set(dirty) - stale) == sorted(whole)
    assert [name for name in whole if dirty[name] != whole[name]] == []


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_dirty_serve_picks_up_an_edited_template(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    override = tmp_path / "overrides" / "factcheck" / "claim.html"
    override.parent.mkdir(parents=True)
    override.write_text("<h1>Template one: {{ claim.claim }}</h1>\n")
    theme = tmp_path / "overrides" / "main.html"  # the theme's own template, on every page
    theme.write_text('{% extends "base.html" %}{% block content %}<p>Theme one</p>{{ super() }}{% endblock %}')
    site.write_claim("a.yml", claim_yaml())
    srv = Server(tmp_path, "--dirty", "--watch-theme")
    try:
        srv.wait_for("the first template", srv.page_shows("claims/a/", "Template one:", "Theme one"))
        time.sleep(1)  # the watcher has seen the first state
        override.write_text("<h1>Template two: {{ claim.claim }}</h1>\n")
        srv.wait_for("the edited template", srv.page_shows("claims/a/", "Template two:"))
        # Compiled theme templates are kept across rebuilds, never past an edit; every page shows it.
        time.sleep(1)
        theme.write_text(theme.read_text().replace("Theme one", "Theme two"))
        srv.wait_for("the edited theme template", srv.page_shows("claims/a/", "Theme two"))
        for page in ("", "claimants/deepseek/", "scoreboard/"):
            assert "Theme two" in (srv.get(page) or ""), page
        # mkdocs.yml edited (serve reloads it): every page again.
        time.sleep(1)
        config.write_text(config.read_text().replace("site_name: Test desk", "site_name: Renamed desk"))
        srv.wait_for("the new site name", srv.page_shows("claims/a/", "Renamed desk"))
        for page in ("", "claimants/deepseek/", "tags/cost/"):
            assert "Renamed desk" in (srv.get(page) or ""), page
    finally:
        srv.stop()
