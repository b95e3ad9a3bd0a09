"""`mkdocs build --dirty` after a check stops being published: nothing of it is left.

MkDocs' dirty build skips pages whose output is newer than their source and never deletes
anything, so a check set back to draft kept its page, its share card, its claimant, expert
and tag pages and its line in the home page's latest list. Here each site is built clean,
one check is taken out (back to draft; or published in the future, embargoed), the site is
built with `--dirty`, and the result must be a clean build byte for byte (the sitemap's gzip
unpacked: its header holds a time), with no file that names the check. A hand-written page
that takes over the check's URL keeps its output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ENV, Site, claim_yaml, make_site_in, mkdocs, site_files

pytestmark = pytest.mark.slow

EPOCH = "1741046400"  # 2025-03-04T00:00:00Z
GOING = {"claim": "Walruses write the morning brief.", "claimant": "Goneaway Person", "tags": ["goneaway-topic"],
         "quotes": [{"expert": "Goneaway Expert", "text": "Words of the gone check."}],
         "sources": [{"title": "Goneaway source", "url": "https://example.org/goneaway-src"}],
         "published": "2025-02-01", "reviewed_by": ["Ben Okafor"], "author": "Ada Reyes"}
MARKS = ("going-check", "Walruses write", "Goneaway")  # text only the check's outputs hold


def build(site: Site, *args: str) -> str:
    proc = mkdocs("build", *args, cwd=site.root, env={**ENV, "SOURCE_DATE_EPOCH": EPOCH}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def new_site(root: Path) -> Site:
    site = make_site_in(root, pages={"index.md": "# Desk\n\n<!-- factcheck:latest -->\n",
                                     "about.md": "# About\n\nA hand-written page.\n"})
    site.write_claim("staying.yml", claim_yaml())
    site.write_claim("going-check.yml", claim_yaml(**GOING))
    return site


def dirty_after(site: Site, change: dict[str, object]) -> tuple[dict[str, bytes], dict[str, bytes], set[str]]:
    """Build clean, change the going check, build dirty; then (dirty tree, clean tree, paths before)."""
    build(site)
    before = site_files(site.root / "site")
    assert "claims/going-check/index.html" in before
    assert any(b"Walruses write" in data for name, data in before.items() if name == "index.html")
    site.write_claim("going-check.yml", claim_yaml(**{**GOING, **change}))
    build(site, "--dirty")
    dirty = site_files(site.root / "site")
    shutil.rmtree(site.root / "site")
    build(site)
    return dirty, site_files(site.root / "site"), set(before)


@pytest.fixture(scope="module", params=[{"status": "draft"}, {"published": "2025-03-09"}],
                ids=["back-to-draft", "embargoed"])
def outcome(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes], set[str]]:
    return dirty_after(new_site(tmp_path_factory.mktemp("dirty")), request.param)


def test_the_dirty_build_is_the_clean_build(outcome: tuple[dict[str, bytes], dict[str, bytes], set[str]]) -> None:
    dirty, clean, _ = outcome
    assert sorted(dirty) == sorted(clean)
    assert [name for name in clean if dirty[name] != clean[name]] == []


def test_nothing_names_the_check_any_more(outcome: tuple[dict[str, bytes], dict[str, bytes], set[str]]) -> None:
    dirty, _, before = outcome
    gone = before - set(dirty)
    assert "claims/going-check/index.html" in gone
    assert {"claimants/goneaway-person/index.html", "experts/goneaway-expert/index.html",
            "tags/goneaway-topic/index.html"} <= gone
    assert any(name.startswith("assets/factcheck/cards/going-check-") for name in gone)  # its share card
    assert not any(name.startswith("assets/factcheck/cards/going-check-") for name in dirty)
    named = [name for name, data in dirty.items() if any(mark.encode() in data for mark in MARKS)]
    assert named == []
    # The rest is still there: the other check, the hand-written pages.
    assert {"claims/staying/index.html", "about/index.html", "index.html", "feed.xml"} <= set(dirty)


def test_a_dirty_build_leaves_no_empty_folder_of_the_check(tmp_path: Path) -> None:
    site = new_site(tmp_path)
    build(site)
    site.write_claim("going-check.yml", claim_yaml(**{**GOING, "status": "review"}))
    # MkDocs' warning that a dirty build is inaccurate would fail a strict site: it no longer is.
    build(site, "--dirty", "--strict")
    assert not (site.root / "site" / "claims" / "going-check").exists()
    assert not (site.root / "site" / "tags" / "goneaway-topic").exists()


def test_a_hand_written_page_at_the_checks_old_url_keeps_its_output(tmp_path: Path) -> None:
    site = new_site(tmp_path)
    build(site)
    site.write_claim("going-check.yml", claim_yaml(**{**GOING, "status": "draft"}))
    (site.root / "docs" / "claims").mkdir()
    (site.root / "docs" / "claims" / "going-check.md").write_text("# Moved\n\nHand-written note.\n")
    build(site, "--dirty")
    page = (site.root / "site" / "claims" / "going-check" / "index.html").read_text(encoding="utf-8")
    assert "Hand-written note." in page
    assert "Walruses write" not in page


def test_a_names_later_page_goes_when_the_check_on_it_does(tmp_path: Path) -> None:
    """With page_size 1 the staying check's claimant, expert and tag (the going check's too) have
    a page 2; once the going check is a draft, the dirty build is the clean one, without it."""
    site = make_site_in(tmp_path, plugin_options="page_size: 1")
    site.write_claim("staying.yml", claim_yaml())
    site.write_claim("going-check.yml", claim_yaml(**{**GOING, "claimant": "DeepSeek", "tags": ["cost"],
                                                      "quotes": [{"expert": "Gavin Baker", "text": "Gone words."}]}))
    build(site)
    later = ["claimants/deepseek/page/2/index.html", "experts/gavin-baker/page/2/index.html",
             "tags/cost/page/2/index.html"]
    assert all((site.root / "site" / path).is_file() for path in later)
    site.write_claim("going-check.yml", claim_yaml(**{**GOING, "status": "draft"}))
    build(site, "--dirty")
    dirty = site_files(site.root / "site")
    assert not set(later) & set(dirty) and "claimants/deepseek/index.html" in dirty
    assert not (site.root / "site" / "claimants" / "deepseek" / "page").exists()  # no empty folder left
    shutil.rmtree(site.root / "site")
    build(site)
    assert dirty == site_files(site.root / "site")
