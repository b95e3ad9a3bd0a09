"""What a site sets around our pages is honoured: nav titles for claim pages, its own main.html
extending our theme fixes, and its language (bundled, or a clear warning with the way out)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Site, claim_yaml, make_site_in
from mkdocs_factcheck.base.strings import BUNDLED, ENGLISH, strings_for


@pytest.mark.slow
def test_a_nav_title_given_to_a_claim_page_is_used(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, config_extra="nav:\n  - Home: index.md\n  - The cost check: claims/a.md\n")
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    home = result.page("")
    assert '<a href="claims/a/" class="md-nav__link">' in home and "The cost check" in home
    assert "Misleading: “DeepSeek developed" not in home.split('class="md-nav')[1].split("</nav>")[0]


OWN_MAIN = '{% extends "factcheck_base.html" %}\n{% block announce %}OUR OWN BANNER{% endblock %}\n'


@pytest.mark.slow
@pytest.mark.parametrize(("main", "keeps_fixes"), [(OWN_MAIN, True),
                                                    (OWN_MAIN.replace("factcheck_base.html", "base.html"), False)])
def test_a_sites_own_main_html_extends_our_fixes(tmp_path: Path, main: str, keeps_fixes: bool) -> None:
    site = make_site_in(tmp_path, plugin_options="about: https://example.org/about")
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config.replace("  name: material\n", "  name: material\n"
                                                        "  custom_dir: overrides\n"), encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(main, encoding="utf-8")
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    page = result.page("claims/a/")
    assert "OUR OWN BANNER" in page
    assert ('href="https://example.org/about"' in page) is keeps_fixes, "the footer with the identity pages"
    assert ('extends "factcheck_base.html"' in result.output) is not keeps_fixes, result.output


def test_bundled_languages_cover_every_word() -> None:
    assert {"en", "es", "de", "fr", "pt", "it"} <= set(BUNDLED)
    for language in ("fr", "pt", "it"):
        words = strings_for(language)
        assert set(words) == set(ENGLISH)
        assert words["fact_check"] != ENGLISH["fact_check"] and words["all_claims"] != ENGLISH["all_claims"]
    assert strings_for("pt-BR")["all_claims"] == "Todas as checagens"


def _language_site(tmp_path: Path, language: str, plugin_options: str = "") -> Site:
    site = make_site_in(tmp_path, plugin_options=plugin_options)
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    themed = config.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    (tmp_path / "mkdocs.yml").write_text(themed, encoding="utf-8")
    site.write_claim("a.yml", claim_yaml())
    return site


@pytest.mark.slow
def test_a_bundled_theme_language_gives_our_words_in_it(tmp_path: Path) -> None:
    site = _language_site(tmp_path, "fr")
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert "Toutes les vérifications" in result.page("claims/") and "no words for" not in result.output


@pytest.mark.slow
def test_an_unbundled_theme_language_is_a_warning_with_the_way_out(tmp_path: Path) -> None:
    site = _language_site(tmp_path, "ja")
    result = site.build("--strict")
    assert result.returncode != 0, "English words under <html lang=ja> stop a strict build"
    assert "theme.language is 'ja', which factcheck has no words for" in result.output
    assert "plugins.factcheck.strings" in result.output and "language: en" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("options", ["language: en", "strings: " + json.dumps({key: f"[ja] {key}" for key in ENGLISH})])
def test_an_unbundled_language_translated_or_kept_english_builds(tmp_path: Path, options: str) -> None:
    site = _language_site(tmp_path, "ja", options.rstrip())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    if options.startswith("strings"):
        assert "[ja] all_claims" in result.page("claims/")


@pytest.mark.slow
def test_listing_sources_are_never_written_through_a_link(tmp_path: Path) -> None:
    """A `.cache` committed as a symbolic link would have the build write (and remove) files elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine\n", encoding="utf-8")
    site = make_site_in(tmp_path / "site")
    site.write_claim("a.yml", claim_yaml())
    (tmp_path / "site" / ".cache").symlink_to(elsewhere, target_is_directory=True)
    result = site.build()
    assert result.returncode != 0 and ".cache is a symbolic link" in result.output
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["keep.txt"]
    (tmp_path / "site" / ".cache").unlink()
    (tmp_path / "site" / ".cache" / "factcheck" / "pages").mkdir(parents=True)
    (tmp_path / "site" / ".cache" / "factcheck" / "pages" / "old.md").write_text("stale\n", encoding="utf-8")
    assert site.build("--strict").returncode == 0
    assert not (tmp_path / "site" / ".cache" / "factcheck" / "pages").exists(), "removed after the build"
