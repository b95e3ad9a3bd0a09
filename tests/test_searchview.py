"""Issue 16: the search indexer gets only the part of our pages it indexes (searchview.py),
and the search index is byte for byte the one it builds from the whole pages."""

from __future__ import annotations

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

    ### Another one

    - a list
    - <h2 id="forged" data-x="1">raw heading</h2>
    """)
# The build with searchview switched off: the plugin imports the function at its own import.
WHOLE_PAGES = textwrap.dedent("""\
    import sys
    import mkdocs_factcheck.plugin.searchview as view
    view.searchable_part = lambda html: html
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "-q", "-d", "site-whole"]
    cli()
    """)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("searchview")
    site = make_site_in(root)
    site.write_claim("a.yml", claim_yaml(analysis=ANALYSIS))
    site.write_claim("b.yml", claim_yaml(claim="Another claim.", claimant="Someone", related=["a"]))
    assert site.build().returncode == 0
    whole = subprocess.run([sys.executable, "-c", WHOLE_PAGES], cwd=root, env=ENV, capture_output=True,
                           text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    return root


@pytest.mark.slow
@pytest.mark.parametrize("options", ["", "search_full_text: true"])
def test_search_index_is_the_same_as_from_whole_pages(options: str, tmp_path: Path, built: Path) -> None:
    root = built
    if options:
        root = tmp_path
        site = make_site_in(root, plugin_options=options)
        for claim in (built / "claims").iterdir():
            site.write_claim(claim.name, claim.read_text(encoding="utf-8"))
        assert site.build().returncode == 0
        whole = subprocess.run([sys.executable, "-c", WHOLE_PAGES], cwd=root, env=ENV,
                               capture_output=True, text=True, timeout=300)
        assert whole.returncode == 0, whole.stderr
    ours = (root / "site" / "search" / "search_index.json").read_bytes()
    assert ours == (root / "site-whole" / "search" / "search_index.json").read_bytes()
    assert b"Another claim" in ours
    assert b"Another one" in ours  # the analysis is always indexed (issue 24; it was opt-in)
    # The pages themselves still have everything.
    page = (root / "site" / "claims" / "a" / "index.html").read_text(encoding="utf-8")
    assert "Another one" in page and "raw heading" in page


def test_only_a_tail_of_excluded_sections_is_cut() -> None:
    head = '<p>Summary</p>\n<h2 id="analysis" data-search-exclude>Analysis</h2>'
    assert searchable_part(head + "<p>x</p>") == '<p>Summary</p>\n'
    indexed_later = head + '<p>x</p><h2 id="more">More</h2><p>y</p>'
    assert searchable_part(indexed_later) == indexed_later
    assert searchable_part("<h2>no id</h2>") == "<h2>no id</h2>"
