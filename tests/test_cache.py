"""Serve rebuilds keep the work done for unchanged claims; changed input is never served stale."""

from __future__ import annotations

from pathlib import Path

from conftest import claim_yaml
from factcheck.catalog import build_catalog
from factcheck.loader import ClaimLoader
from factcheck.render import Renderer, SiteInfo
from factcheck.scale import DEFAULT_SCALE
from factcheck.strings import ENGLISH

SITE = SiteInfo(name="Desk", url="", organization="Desk", organization_url="", default_author="Desk")


def test_markdown_is_rendered_once_per_content(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    claims.mkdir()
    for name in ("a", "b", "c"):
        (claims / f"{name}.yml").write_text(claim_yaml(summary=f"Summary {name}."))
    loader, renderer = ClaimLoader(DEFAULT_SCALE), Renderer(ENGLISH, DEFAULT_SCALE, SITE)

    def rebuild() -> str:
        catalog = build_catalog(loader.load(claims).claims.values(), DEFAULT_SCALE)
        renderer.forget_except(catalog.claims)
        return "".join(renderer.page("claim.html", catalog, f"claims/{c.id}/", claim=c, history=None)
                       for c in catalog.claims)

    rebuild()
    assert (loader.parsed, renderer.markdown_renders) == (3, 3)
    (claims / "b.yml").write_text(claim_yaml(summary="Summary b, edited."))
    html = rebuild()
    assert (loader.parsed, renderer.markdown_renders) == (4, 4)
    assert "Summary b, edited." in html and "Summary b.</p>" not in html


def test_a_changed_template_or_option_is_not_served_stale(make_site) -> None:
    site = make_site()
    site.write_claim("a.yml", claim_yaml())
    assert "Our verdict" in site.build("--strict").page("claims/a/")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - factcheck", "  - factcheck:\n      language: de"))
    assert "Unsere Bewertung" in site.build("--strict").page("claims/a/")
