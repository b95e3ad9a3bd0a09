"""Serve rebuilds keep the work done for unchanged claims; changed input is never served stale."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from conftest import claim_yaml
from mkdocs_factcheck.base.strings import ENGLISH
from mkdocs_factcheck.claims.catalog import build_catalog
from mkdocs_factcheck.claims.loader import ClaimLoader
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.output.render import Renderer, SiteInfo

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


@pytest.mark.slow
def test_a_changed_template_or_option_is_not_served_stale(make_site) -> None:
    site = make_site()
    site.write_claim("a.yml", claim_yaml())
    assert "Our verdict" in site.build("--strict").page("claims/a/")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - factcheck", "  - factcheck:\n      language: de"))
    assert "Unsere Bewertung" in site.build("--strict").page("claims/a/")


@pytest.mark.slow
def test_disk_cache_is_reused_sanitised_and_keyed(make_site) -> None:
    site = make_site(plugin_options="cache_dir: .cache/factcheck")
    site.write_claim("a.yml", claim_yaml(summary="Original summary."))
    assert site.build("--strict").returncode == 0
    cache_file = site.root / ".cache" / "factcheck" / "markdown.json"
    data = json.loads(cache_file.read_text())
    (entry,) = data["entries"].values()
    assert entry[0] == "<p>Original summary.</p>"
    # A build trusts the cache for unchanged content (no re-render) but sanitises it again.
    # (The page bodies kept beside it would show the page as it was: they go, to make the page.)
    bodies = site.root / ".cache" / "factcheck" / "bodies.pack"
    assert bodies.is_file()
    entry[0] = "<p>From the cache.<script>alert(1)</script></p>"
    cache_file.write_text(json.dumps(data))
    bodies.unlink()
    page = site.build("--strict").page("claims/a/")
    assert "From the cache." in page and "alert(1)" not in page
    # A cache written by another version of the plugin is ignored.
    data["key"] = "0.0.0:other"
    cache_file.write_text(json.dumps(data))
    bodies.unlink()
    assert "Original summary." in site.build("--strict").page("claims/a/")


@pytest.mark.slow
def test_cache_dir_inside_the_content_is_refused(make_site) -> None:
    site = make_site(plugin_options="cache_dir: claims/.cache")
    site.write_claim("a.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0 and "cache_dir" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_markdown_is_kept_by_default_and_rewritten_only_when_it_changes(make_site) -> None:
    site = make_site()
    site.write_claim("a.yml", claim_yaml(summary="First summary."))
    assert site.build("--strict").returncode == 0
    kept = site.root / ".cache" / "plugin" / "factcheck" / "markdown.json"
    (entry,) = json.loads(kept.read_text())["entries"].values()
    assert entry[0] == "<p>First summary.</p>"
    written = kept.stat()
    assert site.build("--strict").returncode == 0
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    site.write_claim("a.yml", claim_yaml(summary="Second summary."))
    assert "Second summary." in site.build("--strict").page("claims/a/")
    (entry,) = json.loads(kept.read_text())["entries"].values()
    assert entry[0] == "<p>Second summary.</p>"


def test_templates_are_read_once_and_again_after_an_edit(tmp_path: Path) -> None:
    """Compiled once per build, not checked on every use; a plan after an edit (serve) reads the
    edited template, and the blocks rendered once from the old one (``once``) are forgotten."""
    overrides = tmp_path / "factcheck"
    overrides.mkdir()
    (overrides / "_macros.html").write_text(
        '{% macro badge(label) %}{% call once("badge", label) %}<b>one {{ label }}</b>{% endcall %}{% endmacro %}')
    page = overrides / "page.html"
    page.write_text('{% from "_macros.html" import badge with context %}{{ badge("True") }}')
    renderer = Renderer(ENGLISH, DEFAULT_SCALE, SITE, [overrides])
    catalog = build_catalog([], DEFAULT_SCALE)
    renderer.refresh()
    assert renderer.page("page.html", catalog, "") == "<b>one True</b>"
    (overrides / "_macros.html").write_text(
        '{% macro badge(label) %}{% call once("badge", label) %}<i>two {{ label }}</i>{% endcall %}{% endmacro %}')
    assert renderer.page("page.html", catalog, "") == "<b>one True</b>"  # no file looked at in a build
    renderer.refresh()
    assert renderer.page("page.html", catalog, "") == "<i>two True</i>"
    page.write_text("{{ badge }}")
    renderer.refresh()
    with pytest.raises(jinja2.UndefinedError, match="badge"):
        renderer.page("page.html", catalog, "")
