"""Cross-linking: names matched across files, stable ASCII slugs, links both ways."""

from __future__ import annotations

from conftest import claim_yaml
from mkdocs_factcheck.claims.catalog import build_catalog
from mkdocs_factcheck.claims.loader import parse_claim
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.slugs import slugify, unique_slugs


def claim(claim_id: str, **fields: object):
    result = parse_claim(claim_yaml(**fields).encode(), f"claims/{claim_id}.yml", claim_id, DEFAULT_SCALE)
    assert result.claim is not None, result.errors
    return result.claim


def test_slugs_are_ascii_and_stable() -> None:
    assert slugify("Émilie Fournier") == "emilie-fournier"
    assert slugify("Jürgen Straße") == "jurgen-strasse"
    assert unique_slugs(["Tag", "index"]) == {"Tag": "tag", "index": "index-2"}
    first = unique_slugs(["北京", "東京"])
    assert first == unique_slugs(["東京", "北京"]) and len(set(first.values())) == 2


def test_same_expert_across_files_is_one_page() -> None:
    quote = {"expert": "Gavin Baker", "text": "One."}
    spaced = {"expert": "Gavin  baker", "text": "Two."}
    catalog = build_catalog([claim("a", quotes=[quote]), claim("b", quotes=[spaced])], DEFAULT_SCALE)
    assert list(catalog.experts) == ["gavin-baker"]
    # Same date: newest-first order falls back to id, descending.
    assert [c.id for c, _ in catalog.experts["gavin-baker"].quotes] == ["b", "a"]
    # A tie between spellings goes to the first in sort order.
    assert catalog.experts["gavin-baker"].name == "Gavin Baker"


def test_names_that_slug_alike_get_two_pages() -> None:
    catalog = build_catalog([claim("a", claimant="Émilie Fournier"), claim("b", claimant="Emilie-Fournier")],
                            DEFAULT_SCALE)
    assert sorted(catalog.claimants) == ["emilie-fournier", "emilie-fournier-2"]
    assert {e.name for e in catalog.claimants.values()} == {"Émilie Fournier", "Emilie-Fournier"}


def test_related_links_go_both_ways_and_tally_counts() -> None:
    a = claim("a", related=["b"], verdict="false")
    b = claim("b", verdict="true")
    catalog = build_catalog([a, b], DEFAULT_SCALE)
    assert [c.id for c in catalog.related["b"]] == ["a"]
    assert dict((r.key, n) for r, n in catalog.tally().counts)["false"] == 1
    assert catalog.tally().total == 2


def test_sources_grouped_by_publisher_with_cited_by() -> None:
    source = {"title": "Paper", "url": "https://arxiv.org/abs/1", "publisher": "arXiv"}
    catalog = build_catalog([claim("a", sources=[source]), claim("b", sources=[source])], DEFAULT_SCALE)
    (cited,) = catalog.sources["arXiv"]
    assert sorted(c.id for c in cited.cited_by) == ["a", "b"]


def test_bundled_translations_cover_every_string() -> None:
    from mkdocs_factcheck.base.strings import BUNDLED, ENGLISH

    for language, table in BUNDLED.items():
        assert set(table) == set(ENGLISH), language
