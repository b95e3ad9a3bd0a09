"""Claim pages filled into the theme's page rendered once per shape (plugin/shell.py) are the very
pages the theme renders for each: every file of a site built both ways is compared byte for byte."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ENV, MKDOCS, REPO, claim_yaml, make_site_in
from mkdocs_factcheck.plugin.shell import OFF_SWITCH

pytestmark = pytest.mark.slow  # every test builds a site twice

HOSTILE = ["Braces {{ config.site_name }} and {% raw %} stay text", 'Quotes "double" and \'single\' & ampersands',
           "A </script><script>alert(1)</script> ends nothing", "Markup <b>bold</b> &amp; <i>entities</i> &lt;",
           "Spaces   in\trows  and ünïcödé — “typographic”", "A tabindex=\"\" and for=\"__toc\" in text"]
FILLED = re.compile(r"(\d+) claim pages filled")


def _varied_claims(count: int) -> dict[str, str]:
    """Claim files with different TOC shapes (quotes, related checks, corrections or none),
    headlines, withdrawn checks, and hostile text in every field a page shows."""
    claims = {}
    for i in range(count):
        text = HOSTILE[i % len(HOSTILE)]
        fields: dict[str, object] = {
            "claim": f"Claim {i}: {text}", "claimant": f"Claimant {i % 3} {text[:12]}",
            "summary": f"Summary {i}: {text}", "analysis": f"## Part {i}: {text}\n\nMore *text* {i}.",
            "tags": [f"tag {i % 4}", text[:20]], "claim_date": "2024-12-01", "published": f"2025-01-{1 + i % 28:02d}",
        }
        if i % 3 == 0:
            fields["quotes"] = None
        if i % 4 == 1:
            fields["related"] = [f"c{(i + 1) % count:02d}"]
        if i % 5 == 2:
            fields["headline"] = f"Headline {i}: {text}"
        if i % 6 == 3:
            fields["corrections"] = [{"date": "2025-02-01", "note": f"Fixed {text}"}]
            fields["updated"] = "2025-02-01"
        if i % 11 == 5:
            fields.update(status="withdrawn", withdrawn={"date": "2025-02-03", "note": f"Gone: {text}"},
                          updated="2025-02-03")
        claims[f"c{i:02d}.yml"] = claim_yaml(**fields)
    return claims


def _build(root: Path, site: Path, *args: str, full: bool) -> tuple[int, str]:
    env = {**ENV, OFF_SWITCH: "1"} if full else {key: value for key, value in ENV.items() if key != OFF_SWITCH}
    proc = subprocess.run([*MKDOCS, "build", "-v", "--site-dir", str(site), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = FILLED.search(proc.stdout + proc.stderr)
    return (int(found.group(1)) if found else 0), proc.stdout + proc.stderr


def _built_both_ways(root: Path, out: Path, *args: str) -> int:
    """Build the site with the shell and in full; assert every file is the same; the pages filled."""
    shelled, full = out / "shell", out / "full"
    filled, _ = _build(root, shelled, *args, full=False)
    none, _ = _build(root, full, *args, full=True)
    assert none == 0
    shelled_files = sorted(p.relative_to(shelled) for p in shelled.rglob("*") if p.is_file())
    full_files = sorted(p.relative_to(full) for p in full.rglob("*") if p.is_file())
    assert shelled_files == full_files
    html = [p for p in shelled_files if p.suffix == ".html"]
    assert len(html) > 5
    _, mismatch, errors = filecmp.cmpfiles(shelled, full, [str(p) for p in shelled_files], shallow=False)
    assert not mismatch and not errors, mismatch[:5]
    return filled


@pytest.mark.parametrize("language", ["en", "fr"])
def test_varied_claim_pages_are_the_themes_own_byte_for_byte(tmp_path: Path, language: str) -> None:
    # One claim page in the nav: it has neighbours (previous/next links), so it is rendered in full.
    nav = "nav:\n  - Home: index.md\n  - Listed: claims/c07.md\n  - All: claims/index.md\n"
    theme = f"theme:\n  name: material\n  language: {language}\n  features:\n    - navigation.footer\n"
    site = make_site_in(tmp_path / "site", config_extra=nav, plugin_options="cache_dir: .cache/factcheck")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n  name: material\n", theme),
                      encoding="utf-8")
    for name, text in _varied_claims(60).items():
        site.write_claim(name, text)
    filled = _built_both_ways(site.root, tmp_path / "out", "--strict")
    assert 20 < filled < 60  # most pages filled; the first of each shape, the listed page, in full
    listed = (tmp_path / "out" / "shell" / "claims" / "c07" / "index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' in listed


def test_this_repositorys_site_is_the_same_both_ways(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv", "site", ".cache", "node_modules",
                                                              "tests", "bench", "*.egg-info", "__pycache__"))
    _built_both_ways(root, tmp_path / "out", "--strict")


def test_a_site_overriding_a_theme_template_is_rendered_in_full(tmp_path: Path) -> None:
    site = make_site_in(tmp_path / "site", config_extra="", plugin_options="")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n"), encoding="utf-8")
    partials = site.root / "overrides" / "partials"
    partials.mkdir(parents=True)
    # A header that shows the title cut short: a filter the shell does not fill.
    (partials / "header.html").write_text("<header>{{ page.title | truncate(12) }}</header>\n", encoding="utf-8")
    for name, text in _varied_claims(12).items():
        site.write_claim(name, text)
    assert _built_both_ways(site.root, tmp_path / "out") == 0
