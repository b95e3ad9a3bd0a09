"""`factcheck generate`: what it writes into docs_dir, what it refuses, what it cleans up."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, factcheck, make_site_in

pytestmark = pytest.mark.slow

FACTCHECK = [sys.executable, "-m", "mkdocs_factcheck"]  # a process of its own: --watch runs on


def generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return factcheck("generate", *args, cwd=root, env=ENV, timeout=120)


def test_writes_every_page_as_markdown_with_the_plugins_html(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("cost.yml", claim_yaml())
    proc = generate(tmp_path)
    assert proc.returncode == 0, proc.stderr
    docs = tmp_path / "docs"
    page = (docs / "claims" / "cost.md").read_text(encoding="utf-8")
    assert page.startswith("---\n") and "title: 'Misleading: “DeepSeek developed its R1 model" in page
    assert page.count('<script type="application/ld+json">') == 1
    assert '<q class="fc-claim__text">DeepSeek developed its R1 model' in page
    # The share card the head tags name is written too (Zensical publishes docs_dir as it is).
    card = re.search(r'og:image" content="https://checks.example.org/(assets/factcheck/cards/cost-\w+\.png)"', page)
    assert card and (docs / card.group(1)).read_bytes().startswith(b"\x89PNG")
    # Links start from the source folder (claims/), as Zensical resolves them.
    assert 'href="../claimants/deepseek/"' in page and 'href="../assets/factcheck/factcheck.css"' in page
    for path in ("scoreboard.md", "claims/index.md", "claimants/deepseek.md", "experts/gavin-baker.md",
                 "tags/cost.md", "sources/index.md", "feed.xml", "claims.json", "claims.csv",
                 "claims-index.json", "assets/factcheck/factcheck.js"):
        assert (docs / path).is_file(), path
    assert (docs / "index.md").read_text(encoding="utf-8").startswith("# Test site")  # hand-written: untouched
    assert not list((tmp_path / "claims").glob("*.md"))


def test_refuses_to_overwrite_a_hand_written_file(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, pages={"index.md": "# Home\n", "scoreboard.md": "# Our own scoreboard\n"})
    site.write_claim("a.yml", claim_yaml())
    proc = generate(tmp_path)
    assert proc.returncode == 1
    assert "scoreboard.md" in proc.stderr and "remove or rename it" in proc.stderr
    assert (tmp_path / "docs" / "scoreboard.md").read_text() == "# Our own scoreboard\n"
    assert not (tmp_path / "docs" / "claims").exists()


def test_stale_pages_are_removed_and_unchanged_files_not_rewritten(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    gone = site.write_claim("b.yml", claim_yaml(claim="Another claim.", tags=["chips"]))
    assert generate(tmp_path).returncode == 0
    docs = tmp_path / "docs"
    kept = docs / "claims" / "a.md"
    stamp = kept.stat().st_mtime_ns
    time.sleep(0.05)
    gone.unlink()
    proc = generate(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (docs / "claims" / "b.md").exists() and not (docs / "tags" / "chips.md").exists()
    assert kept.stat().st_mtime_ns == stamp
    assert "3 removed" in proc.stdout  # its page, its tag page and its share card
    assert "claims/b.md" not in (docs / ".factcheck-generated").read_text()


def test_claim_errors_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml(verdict="misleadin"))
    proc = generate(tmp_path)
    assert proc.returncode == 1
    assert "claims/a.yml:5:10: unknown verdict 'misleadin'" in proc.stderr and "nothing was written" in proc.stderr
    assert not (tmp_path / "docs" / "claims").exists()


def test_never_writes_into_the_claims_folder(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="claims_dir: docs/claims")
    (tmp_path / "docs" / "claims").mkdir()
    (tmp_path / "docs" / "claims" / "a.yml").write_text(claim_yaml(), encoding="utf-8")
    del site
    proc = generate(tmp_path)
    assert proc.returncode == 1 and "inside the claims folder" in proc.stderr
    assert sorted(p.name for p in (tmp_path / "docs" / "claims").iterdir()) == ["a.yml"]


def test_bad_option_is_reported_like_the_plugin_does(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="page_size: 0")
    site.write_claim("a.yml", claim_yaml())
    proc = generate(tmp_path)
    assert proc.returncode == 1 and "plugins.factcheck.page_size is 0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_watch_regenerates_on_a_claim_edit_and_reports_errors(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    claim = site.write_claim("a.yml", claim_yaml())
    page = tmp_path / "docs" / "claims" / "a.md"
    watcher = subprocess.Popen([*FACTCHECK, "generate", "--watch", "--interval", "0.1"], cwd=tmp_path, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: page.is_file())
        claim.write_text(claim_yaml(summary="A newly written short answer."), encoding="utf-8")
        assert _wait_for(lambda: "A newly written short answer." in page.read_text(encoding="utf-8"))
        claim.write_text(claim_yaml(verdict="misleadin"), encoding="utf-8")
        # Under watch a broken file is shown on every page (as under serve), and the watch goes on.
        assert _wait_for(lambda: "fc-build-errors" in (tmp_path / "docs" / "scoreboard.md").read_text(encoding="utf-8"))
    finally:
        watcher.terminate()
        _, errors = watcher.communicate(timeout=30)
    assert "claims/a.yml:5:10: unknown verdict 'misleadin'" in errors


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_plugin_builds_over_generated_files(tmp_path: Path) -> None:
    # `factcheck generate` for Zensical, then `mkdocs build` with the plugin in the same folder:
    # the plugin recognises the files generate wrote as its own and makes them afresh.
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    assert generate(tmp_path).returncode == 0
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    page = result.page("claims/a/")
    assert page.count('<script type="application/ld+json">') == 1 and "fc-generated" not in page


def test_names_the_generated_paths_git_would_commit(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("/docs/claims/\n/docs/tags/\n", encoding="utf-8")
    proc = generate(tmp_path)
    assert proc.returncode == 0, proc.stderr
    note = next(line for line in proc.stderr.splitlines() if line.startswith("note: git would commit"))
    assert "/docs/scoreboard.md" in note and "/docs/claimants/" in note and "/docs/feed.xml" in note
    assert "/docs/claims/" not in note and "/docs/tags/" not in note


def test_check_fails_until_generate_ran_on_the_current_claims(tmp_path: Path) -> None:
    """The Zensical guard: `generate --check` as a CI step before `zensical build`."""
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    never = generate(tmp_path, "--check")
    assert never.returncode == 1 and "docs/claims/a.md: missing" in never.stderr
    assert "run `factcheck generate`" in never.stderr and not (tmp_path / "docs" / "claims").exists()
    assert generate(tmp_path).returncode == 0
    current = generate(tmp_path, "--check")
    assert current.returncode == 0, current.stderr
    assert "current" in current.stdout
    site.write_claim("a.yml", claim_yaml(verdict="false"))
    site.write_claim("b.yml", claim_yaml(claim="Another claim.", tags=["chips"]))
    stale = generate(tmp_path, "--check")
    assert stale.returncode == 1
    assert "docs/claims/a.md: out of date" in stale.stderr and "docs/claims/b.md: missing" in stale.stderr
    (tmp_path / "claims" / "b.yml").unlink()
    site.write_claim("a.yml", claim_yaml(tags=["cost"]))
    assert generate(tmp_path).returncode == 0
    site.write_claim("a.yml", claim_yaml(tags=["other"]))
    left = generate(tmp_path, "--check")
    assert left.returncode == 1 and "docs/tags/cost.md: left over" in left.stderr


def test_writes_a_names_later_pages_and_removes_them_when_they_go(tmp_path: Path) -> None:
    """A claimant's, expert's and tag's later pages (page_size) are pages like any other: written
    under <name>/page/<n>.md with links that resolve from there, and removed, folder and all,
    when the name no longer fills them."""
    site = make_site_in(tmp_path, plugin_options="page_size: 2")
    for number in range(3):
        site.write_claim(f"c{number}.yml", claim_yaml(claim=f"Claim number {number}.", claim_date=None,
                                                      published=f"2025-01-0{number + 1}"))
    assert generate(tmp_path).returncode == 0
    docs = tmp_path / "docs"
    for name in ("claimants/deepseek", "experts/gavin-baker", "tags/cost"):
        assert (docs / f"{name}.md").is_file() and not (docs / name / "page" / "3.md").exists()
        page = (docs / name / "page" / "2.md").read_text(encoding="utf-8")
        assert "(Page 2 of 2)" in page.split("---\n")[1] and "search:\n  exclude: true" in page, name
        # Zensical resolves links from the source file's folder (claimants/deepseek/page/).
        assert 'href="../../../claims/c0/"' in page and 'href="../" rel="prev"' in page, name
    assert generate(tmp_path, "--check").returncode == 0
    (tmp_path / "claims" / "c2.yml").unlink()
    proc = generate(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (docs / "claimants" / "deepseek").exists() and (docs / "claimants" / "deepseek.md").is_file()
    assert "claimants/deepseek/page/2.md" not in (docs / ".factcheck-generated").read_text(encoding="utf-8")
