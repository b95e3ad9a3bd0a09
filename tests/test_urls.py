"""Relative links between pages: the fast path agrees with posixpath's definition."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_factcheck.claims.urls import Links, relative_url

segment = st.sampled_from(["claims", "tags", "page", "a", "b", "x.html", "index.html", "2", ".", ".."])
folder_path = st.lists(segment, max_size=4).map(lambda parts: "/".join(parts))
url = st.one_of(
    folder_path,
    folder_path.map(lambda path: path + "/" if path else path),
)


def by_relpath(target: str, here: str) -> str:
    """The definition the fast path must match."""
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    if not base or base == "/":
        return target or "./"
    relative = posixpath.relpath("/" + target, "/" + base)
    if (not target or target.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative


@settings(max_examples=500, deadline=None)
@given(target=url, here=url)
def test_relative_url_matches_relpath(target: str, here: str) -> None:
    assert relative_url(target, here) == by_relpath(target, here)


def test_links_between_generated_pages() -> None:
    assert Links("claims/a/").claim("b") == "../b/"
    assert Links("claims/a/").to("index.md") == "../../"
    assert Links("claims/page/2/").claimant("x") == "../../../claimants/x/"
    assert Links("claims/a.html", use_directory_urls=False).claim("b") == "b.html"
    assert Links("").tag("t") == "tags/t/"
    assert Links("tags/t/").tag("t") == "./"
