"""Issues 16 and 27: material's search indexer gets only what it indexes of our pages
(searchview.py: a claim page built from the claim's data, other pages without their excluded
tail), and the search index is byte for byte the one it builds from the whole pages."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, make_site_in
from mkdocs_factcheck.plugin.searchview import searchable_part

ANALYSIS = textwrap.dedent("""\
    # A contributor heading

    Text with **bold**, a [link](https://example.org/) and <sup>1</sup>.

    ## A second-level one

    ### Another one

    - a list
    - <h2 id="forged" data-x="1">raw heading</h2>

    ```
    code   with  spaces
      and a second line
    ```

    | a | b |
    |---|---|
    | <em>x</em> | y &amp; z |
    """)
# The claims of every build here: what claim.html shows or leaves out, each way.
CLAIMS = {
    "a.yml": claim_yaml(analysis=ANALYSIS),
    "b.yml": claim_yaml(claim="Another claim.", claimant="Someone", related=["a"]),
    "c.yml": claim_yaml(claim="A <claim> & \"quotes\"\nover two lines {{ x }}", claimant="O'Brien & Co",
                        analysis=None, quotes=None, tags=None, claim_date=None,
                        appearance=["https://www.example.org/x", "https://news.example.net/y"],
                        summary="## A heading in the summary\n\nAnd *text*.",
                        sources=[{"title": "Only a title", "url": "https://example.org/t"},
                                 {"title": "Archived", "url": "https://example.org/u", "publisher": "Pub <i>",
                                  "archive_url": "https://web.archive.org/web/2025/https://example.org/u"}]),
    "e.yml": claim_yaml(claim="A cited claim.", summary="By its own account.[^1]",
                        analysis="The report [^1] and the filing [^2].\n\nAgain [^1], in `[^2]` code.\n",
                        sources=[{"title": "One", "url": "https://example.org/1"},
                                 {"title": "Two", "url": "https://example.org/2", "publisher": "P"}]),
    "d.yml": claim_yaml(claim="A corrected claim.", verdict="false", appearance=None,
                        corrections=[{"date": "2025-02-01", "note": "We fixed a figure."}]),
}
# A build with searchview switched off: material parses every page whole.
WHOLE_PAGES = textwrap.dedent("""\
    import sys
    import mkdocs_factcheck.plugin.searchview as view
    view.SearchViews.view = lambda self, spec, content, rewritten: content
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "-q", "-d", "site-whole"]
    cli()
    """)
# Our build, counting the claim pages whose view was made from data.
COUNTED = textwrap.dedent("""\
    import sys
    import mkdocs_factcheck.plugin.searchview as view
    made = []
    original = view.claim_page_view
    view.claim_page_view = lambda plan, claim: made.append(claim.id) or original(plan, claim)
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "-q"]
    try:
        cli()
    finally:
        open("from-data.txt", "w").write(" ".join(sorted(made)))
    """)


def _build(root: Path, script: str) -> None:
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr


def _both_ways(root: Path, options: str = "") -> Path:
    site = make_site_in(root, plugin_options=options)
    for name, text in CLAIMS.items():
        site.write_claim(name, text)
    _build(root, COUNTED)
    _build(root, WHOLE_PAGES)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _both_ways(tmp_path_factory.mktemp("searchview"))


@pytest.mark.slow
@pytest.mark.parametrize("options", ["", "search_full_text: true"])
def test_search_index_is_the_same_as_from_whole_pages(options: str, tmp_path: Path, built: Path) -> None:
    root = _both_ways(tmp_path, options) if options else built
    ours = (root / "site" / "search" / "search_index.json").read_bytes()
    assert ours == (root / "site-whole" / "search" / "search_index.json").read_bytes()
    assert b"Another claim" in ours
    # The analysis is always indexed (issue 24; it was opt-in): after its first block, as its
    # words (searchindex.py), a heading of the contributor's among them.
    docs = {doc["location"]: doc for doc in json.loads(ours)["docs"]}
    assert "Another" in docs["claims/a/#analysis"]["words"].split()
    # The pages themselves still have everything.
    page = (root / "site" / "claims" / "a" / "index.html").read_text(encoding="utf-8")
    assert "Another one" in page and "raw heading" in page
    # Default: every claim page's view is made from its data (issue 27); with the quotes,
    # related checks and corrections indexed, material reads the pages.
    # (Twice a page where a cold build hands pages to the early search process: for it, then for the index.)
    made = (root / "from-data.txt").read_text(encoding="utf-8").split()
    assert sorted(set(made)) == ([] if options else sorted(name.removesuffix(".yml") for name in CLAIMS))


@pytest.mark.slow
def test_what_every_claim_page_repeats_is_left_out(built: Path) -> None:
    docs = json.loads((built / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    claims = " ".join(d["title"] + " " + d["text"] for d in docs if d["location"].startswith("claims/"))
    # The claim, who said it, the verdict and short answer, the analysis and the sources stay.
    for kept in ("O'Brien &amp; Co", "example.org, news.example.net", "Misleading", "The figure covers",
                 "Only a title", "Pub &lt;i&gt;", "DeepSeek-V3 Technical Report, arXiv"):
        assert kept in claims, kept
    # The section bar, the scale's description, the byline, the share links and the tags go.
    for gone in ("All fact checks", "Scoreboard", "The claim is accurate", "Published", "Bluesky", "cost"):
        assert gone not in claims, gone
    # An expert page keeps the name and role; the quotes are the claim pages' (search_full_text).
    experts = " ".join(d["title"] + " " + d["text"] for d in docs if d["location"].startswith("experts/"))
    assert "Gavin Baker" in experts and "Managing partner" in experts
    assert "prior research costs" not in experts


def test_only_a_tail_of_excluded_sections_is_cut() -> None:
    head = '<p>Summary</p>\n<h2 id="analysis" data-search-exclude>Analysis</h2>'
    assert searchable_part(head + "<p>x</p>") == '<p>Summary</p>\n'
    indexed_later = head + '<p>x</p><h2 id="more">More</h2><p>y</p>'
    assert searchable_part(indexed_later) == indexed_later
    assert searchable_part("<h2>no id</h2>") == "<h2>no id</h2>"
