"""What a build holds on to (issue 16: peak memory): our pages' HTML is let go once the page is
written, after every other plugin has seen it; page bodies from worker processes are not kept
twice; the output is the same."""

from __future__ import annotations

import json
import tracemalloc
import weakref
from pathlib import Path
from typing import Any

import pytest
from conftest import Site, claim_yaml, make_site_in
from mkdocs_factcheck.base import parallel
from mkdocs_factcheck.plan.siteplan import SitePlanner, settings_from
from mkdocs_factcheck.plugin import share_tags
from test_siteplan import planner_for

# A site's own hooks file: a plugin at i18n's priority (-100, the latest of the usual ones)
# reads each page in on_post_page; at the end of the build it notes what MkDocs still holds.
HOOKS = '''
import json
from mkdocs.plugins import event_priority

from hashlib import sha256

pages = {}
seen = {}
exports = {}
made = {}
waiting = {}
restored = {}

@event_priority(-500)
def on_page_content(html, page, config, files):
    made[page.file.src_uri] = sha256(html.encode()).hexdigest()
    return html

def on_env(env, config, files):
    for file in files.documentation_pages():
        waiting[file.src_uri] = len(file.page.content or "")
    return env

@event_priority(-100)
def on_files(files, config):
    for name in ("claims.json", "claims.csv", "feed.xml"):
        file = files.get_file_from_path(name)
        exports[name] = {"source": file.abs_src_path, "bytes": len(file.content_bytes), "url": file.url}
    return files

@event_priority(-100)
def on_post_page(output, page, config):
    pages[page.file.src_uri] = page
    seen[page.file.src_uri] = len(page.content or "")
    restored[page.file.src_uri] = sha256((page.content or "").encode()).hexdigest()
    return output

def on_post_build(config):
    held = {uri: len(page.content or "") for uri, page in pages.items()}
    with open("memory-report.json", "w") as out:
        json.dump({"seen": seen, "held": held, "exports": exports, "made": made, "waiting": waiting,
                   "restored": restored}, out)
'''
CLAIMS = 6


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, Any]]:
    site = make_site_in(tmp_path_factory.mktemp("memory"), config_extra="hooks:\n  - hooks.py\n",
                        plugin_options="workers: 2")
    (site.root / "hooks.py").write_text(HOOKS, encoding="utf-8")
    for n in range(CLAIMS):
        site.write_claim(f"claim-{n}.yml", claim_yaml(claim=f"Claim number {n} was made.",
                                                      summary=f"Answer number {n}."))
    result = site.build()
    assert result.returncode == 0, result.output
    data: dict[str, Any] = json.loads((site.root / "memory-report.json").read_text(encoding="utf-8"))
    return site, data


@pytest.mark.slow
def test_generated_pages_html_is_let_go_after_every_plugin_has_read_it(
        report: tuple[Site, dict[str, Any]]) -> None:
    site, data = report
    ours = [uri for uri in data["seen"] if uri.startswith("claims/claim-")]
    assert len(ours) == CLAIMS
    # A plugin that comes late (i18n's priority) still reads every page whole ...
    assert all(data["seen"][uri] > 1000 for uri in ours)
    assert data["seen"]["index.md"] > 0
    # ... and once the pages are written MkDocs no longer holds ours; hand-written pages stay as they were.
    assert [uri for uri, size in data["held"].items() if size and uri != "index.md"] == []
    assert data["held"]["index.md"] == data["seen"]["index.md"]
    # The output is whole: the page carries its body and its head.
    page = (site.root / "site" / "claims" / "claim-3" / "index.html").read_text(encoding="utf-8")
    assert "Answer number 3." in page and "application/ld+json" in page and page.rstrip().endswith("</html>")


@pytest.mark.slow
def test_generated_pages_html_waits_compressed_between_reading_and_building(
        report: tuple[Site, dict[str, Any]]) -> None:
    _, data = report
    ours = [uri for uri in data["seen"] if uri.startswith("claims/claim-")]
    # MkDocs reads every page before it builds any: meanwhile ours are not held as HTML ...
    assert [uri for uri in ours if data["waiting"][uri]] == []
    assert data["waiting"]["index.md"] > 0
    # ... and every plugin gets each page's HTML back exactly as the page's content was made.
    assert all(data["restored"][uri] == data["made"][uri] for uri in data["made"])
    assert len(data["made"]) == len(data["seen"]) > CLAIMS


@pytest.mark.slow
def test_exports_wait_on_disk_as_files_other_plugins_see_and_the_site_gets_them_unchanged(
        report: tuple[Site, dict[str, Any]]) -> None:
    site, data = report
    # The same plan in this process: the feed and exports as the plugin makes them, in memory.
    settings = settings_from({"workers": 1}, config_dir=site.root, docs_dir="docs", site_name="Test desk",
                             site_url="https://checks.example.org/")
    expected = SitePlanner(settings).plan().files
    for name, seen in data["exports"].items():
        built = (site.root / "site" / name).read_bytes()
        assert built == expected[name].encode("utf-8") and len(built) > 200
        # A later plugin saw a File with a real source path and the whole content ...
        assert (seen["url"], seen["bytes"]) == (name, len(built))
        assert Path(seen["source"]).name == name and not Path(seen["source"]).is_relative_to(site.root)
        # ... in a private folder that is gone once the build has ended.
        assert not Path(seen["source"]).exists()
    assert '"count": 6' in expected["claims.json"]

class Result:
    """A result that can be watched with a weak reference (pickled back from a worker)."""

    def __init__(self, n: int) -> None:
        self.n = n


def _make(n: int) -> Result:
    return Result(n)


def test_a_taken_result_is_not_kept_by_the_job() -> None:
    job = parallel.Job(_make, list(range(40)), 2)
    try:
        assert job.pooled
        taken = [job.take(i) for i in range(40)]
        assert [r.n for r in taken] == list(range(40))
        watched = [weakref.ref(r) for r in taken]
        del taken
        assert [ref for ref in watched if ref() is not None] == []  # the job held none of them
        assert job.take(7).n == 7  # taken again: made again, the same
    finally:
        job.close()


def test_take_in_one_process_gives_the_same_results() -> None:
    job = parallel.Job(_make, list(range(10)), 1)
    assert not job.pooled
    assert [job.take(i).n for i in range(10)] == list(range(10))
    assert job.take(3).n == 3


@pytest.mark.parametrize(("keep_pages", "parsed"), [(False, 4), (True, 2)])
def test_a_one_build_planner_holds_no_file_results_a_serve_planner_reuses_them(
        tmp_path: Path, keep_pages: bool, parsed: int) -> None:
    planner = planner_for(tmp_path, keep_pages=keep_pages)
    for name in ("a", "b"):
        (tmp_path / "claims" / f"{name}.yml").write_text(claim_yaml(summary=f"Summary {name}."), encoding="utf-8")
    first, second = planner.load(), planner.load()
    # A build's planner let go of each file's result (its claim, positions and names) after
    # loading, so loading again parses again; serve's planner parses only what changed.
    assert planner.loader.parsed == parsed
    assert list(first.claims) == list(second.claims) == ["a", "b"]
    assert second.claims["b"].summary == "Summary b."


@pytest.mark.slow
def test_share_tags_go_into_a_long_page_with_one_copy_of_it() -> None:
    theirs = ('<meta property="og:title" content="Theirs">\n<meta property="og:image" content="card.png">\n'
              '<meta property="og:image:width" content="1200">\n<meta name="twitter:site" content="@desk">\n')
    ours = '<meta property="og:title" content="Ours">\n<meta property="og:image" content="ours.png">\n'
    body = "<li>A cited source</li>\n" * 400_000  # a listing of thousands of sources: ~9 MiB
    page = f"<html><head><title>T</title>\n{theirs}</head><body>{body}</body></html>"
    tracemalloc.start()
    try:
        placed = share_tags.placed(page, ours)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert placed == (f"<html><head><title>T</title>\n<meta name=\"twitter:site\" content=\"@desk\">\n{ours}"
                      f"</head><body>{body}</body></html>")
    assert peak < 1.2 * len(page)  # the new page, not two or three copies on the way
    assert share_tags.placed("<p>no head</p>", ours) == "<p>no head</p>"
