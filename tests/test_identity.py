"""Identity options (about, methodology, ...) that name a page must name one that exists: a missing
page is an error located in mkdocs.yml, under the plugin and under `factcheck generate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, factcheck, make_site_in
from mkdocs_factcheck.output.render import SiteInfo
from mkdocs_factcheck.plan.siteplan import identity_pages, missing_identity_pages, option_line

pytestmark = pytest.mark.slow

OPTIONS = """
about: about.md
methodology: methodology.md
funding: https://example.org/funding
contact: desk@example.org
report_error: corrections.md#report-an-error
"""


def test_pages_are_told_from_urls_and_addresses() -> None:
    site = SiteInfo("x", "", "x", "", "x", about="about.md", funding="https://example.org/f",
                    contact="desk@example.org", report_error="corrections.md#report-an-error",
                    corrections="mailto:desk@example.org")
    assert identity_pages(site) == [("about", "about.md"), ("report_error", "corrections.md")]


def test_the_line_is_found_under_any_tag(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: !ENV [SITE_URL, '']\nplugins:\n  - search\n  - factcheck:\n"
                      "      claims_dir: claims\n      about: !ENV [ABOUT, about.md]\n", encoding="utf-8")
    assert option_line(config, "about") == 7 and option_line(config, "funding") == 0
    site = SiteInfo("x", "", "x", "", "x", about="about.md")
    [problem] = missing_identity_pages(site, {"index.md"}, config_file=config, docs_dir="docs")
    assert problem.startswith("mkdocs.yml:7: plugins.factcheck.about names the page about.md")
    assert "docs/about.md" in problem


def test_a_missing_identity_page_fails_the_build_naming_mkdocs_yml(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options=OPTIONS, pages={"index.md": "# Home\n", "about.md": "# About\n"})
    site.write_claim("a.yml", claim_yaml())
    result = site.build()  # not strict: the error stops any build
    assert result.returncode != 0
    assert "mkdocs.yml:10: plugins.factcheck.methodology names the page methodology.md" in result.output
    assert "mkdocs.yml:13: plugins.factcheck.report_error names the page corrections.md" in result.output
    assert "about.md," not in result.output and "funding" not in result.output and "contact" not in result.output
    assert "Traceback" not in result.output
    for page in ("methodology.md", "corrections.md"):
        (tmp_path / "docs" / page).write_text("# Page\n\n## Report an error\n", encoding="utf-8")
    fixed = site.build("--strict")
    assert fixed.returncode == 0, fixed.output


def test_generate_refuses_a_missing_identity_page(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options=OPTIONS, pages={"index.md": "# Home\n"})
    site.write_claim("a.yml", claim_yaml())
    proc = factcheck("generate", cwd=tmp_path, env=ENV, timeout=120)
    assert proc.returncode == 1 and "mkdocs.yml:9: plugins.factcheck.about names the page about.md" in proc.stderr
    assert not (tmp_path / "docs" / "scoreboard.md").exists(), "nothing was written"


def test_a_page_may_be_named_by_its_url(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="about: about/\nmethodology: scoreboard/",
                        pages={"index.md": "# Home\n", "about.md": "# About\n"})
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
