"""Relative links between pages: the fast path agrees with posixpath's definition."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_factcheck.claims.urls import (
    Links,
    claimant_src,
    claims_page_src,
    expert_src,
    page_url,
    paged_src,
    relative_url,
    tag_src,
)

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


@settings(max_examples=300, deadline=None)
@given(targets=st.lists(url, max_size=6), here=url, directory_urls=st.booleans())
def test_links_agree_with_relative_url_each_time_they_are_asked(targets: list[str], here: str,
                                                                directory_urls: bool) -> None:
    links = Links(here, directory_urls)
    for src in [*targets, *targets]:  # the second time from what the page worked out the first
        assert links.to(src) == relative_url(page_url(src, directory_urls), here)


def test_links_between_generated_pages() -> None:
    assert Links("claims/a/").claim("b") == "../b/"
    assert Links("claims/a/").to("index.md") == "../../"
    assert Links("claims/page/2/").claimant("x") == "../../../claimants/x/"
    assert Links("claims/a.html", use_directory_urls=False).claim("b") == "b.html"
    assert Links("").tag("t") == "tags/t/"
    assert Links("tags/t/").tag("t") == "./"


# Slugs as slugify makes them, with the words later pages use among them.
slug = st.sampled_from(["page", "2", "page-2", "index-page", "a"]) | st.text("ap2-", min_size=1, max_size=6).filter(
    lambda text: not text.startswith("-") and not text.endswith("-") and "--" not in text)


@settings(max_examples=200, deadline=None)
@given(first=slug, second=slug, number=st.integers(min_value=2, max_value=10_000),
       other=st.integers(min_value=1, max_value=10_000), directory_urls=st.booleans())
def test_a_names_later_pages_never_take_another_names_url(first: str, second: str, number: int, other: int,
                                                           directory_urls: bool) -> None:
    """Later pages live inside their name's own folder: no slug ("page" included) and no page
    number gives two pages one URL, whatever use_directory_urls is."""
    for src in (claimant_src, expert_src, tag_src):
        later = page_url(src(first, number), directory_urls)
        assert later != page_url(src(second), directory_urls)
        assert (first, number) == (second, other) or later != page_url(src(second, other), directory_urls)
        assert page_url(src(first, 1), directory_urls) == page_url(src(first), directory_urls)


def test_later_pages_of_every_list() -> None:
    assert claimant_src("page", 2) == "claimants/page/page/2.md"
    assert page_url(claimant_src("page")) == "claimants/page/"
    assert page_url(tag_src("cost", 3), use_directory_urls=False) == "tags/cost/page/3.html"
    assert claims_page_src(1) == "claims/index.md" and claims_page_src(2) == "claims/page/2.md"
    assert paged_src("corrections-log/index.md", 4) == "corrections-log/page/4.md"
