"""What `factcheck generate` and the plugin take as their own in docs_dir (issue 21, items 8 and 9).

The list of generated files, `docs_dir/.factcheck-generated`, used to be trusted as it
was: a hand-made one made `mkdocs build` drop the hand-written pages it named and
`factcheck generate` delete them. Now each line carries the SHA-256 of what generate
wrote, and a file counts as generated only while it still holds exactly that. And a
claims folder inside docs_dir was published file by file, raw YAML and drafts included:
the plugin leaves it out of the site, generate refuses it.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from conftest import ENV, claim_yaml, factcheck, make_site_in

pytestmark = pytest.mark.slow

MANIFEST = ".factcheck-generated"
ABOUT = "# About the desk\n\nWritten by hand, and nobody else's to delete.\n"
DRAFT_CLAIM = "A claim still being checked, not for readers yet."


def generate(root: Path) -> subprocess.CompletedProcess[str]:
    return factcheck("generate", cwd=root, env=ENV, timeout=120)


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("listing", [
    "about.md\nindex.md\n",  # a bare list, as the manifest was
    "sha256:" + "0" * 64 + "  about.md\nsha256:" + "1" * 64 + "  index.md\n",  # hashes of something else
    "# Written by `factcheck generate`\n  about.md\nsha256:  index.md\n../mkdocs.yml\n/etc/passwd\n",
])
def test_a_hand_made_list_drops_and_deletes_nothing(tmp_path: Path, listing: str) -> None:
    site = make_site_in(tmp_path, pages={"index.md": "# Test site\n", "about.md": ABOUT})
    site.write_claim("cost.yml", claim_yaml())
    (tmp_path / "docs" / MANIFEST).write_text(listing, encoding="utf-8")
    built = site.build("--strict")
    assert built.returncode == 0, built.output
    assert "Written by hand" in built.page("about/") and "Test site" in built.page("")
    proc = generate(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "docs" / "about.md").read_text(encoding="utf-8") == ABOUT
    assert (tmp_path / "docs" / "index.md").read_text(encoding="utf-8") == "# Test site\n"
    assert (tmp_path / "mkdocs.yml").is_file()
    listed = {line.split("  ", 1)[1] for line in (tmp_path / "docs" / MANIFEST).read_text(encoding="utf-8")
              .splitlines() if not line.startswith("#")}
    assert "claims/cost.md" in listed and not {"about.md", "index.md"} & listed


def test_generate_removes_only_what_still_holds_what_it_wrote(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    for name in ("a", "b", "c"):
        site.write_claim(f"{name}.yml", claim_yaml(claim=f"Claim {name} as made."))
    assert generate(tmp_path).returncode == 0
    docs = tmp_path / "docs"
    listed = (docs / MANIFEST).read_text(encoding="utf-8")
    assert f"{_sha((docs / 'claims' / 'a.md').read_text(encoding='utf-8'))}  claims/a.md\n" in listed
    edited = (docs / "claims" / "b.md").read_text(encoding="utf-8") + "\nA note added by hand.\n"
    (docs / "claims" / "b.md").write_text(edited, encoding="utf-8")
    (site.claims / "a.yml").unlink()
    (site.claims / "b.yml").unlink()
    assert generate(tmp_path).returncode == 0
    assert not (docs / "claims" / "a.md").exists(), "generated and unchanged: removed with its claim"
    assert (docs / "claims" / "b.md").read_text(encoding="utf-8") == edited, "edited by hand: kept"
    assert (docs / "claims" / "c.md").is_file()


def test_generate_overwrites_no_edited_file_but_rewrites_an_identical_one(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    assert generate(tmp_path).returncode == 0
    docs = tmp_path / "docs"
    page = docs / "claims" / "a.md"
    (docs / MANIFEST).write_text("claims/a.md\n", encoding="utf-8")  # a list from before: no hashes
    assert generate(tmp_path).returncode == 0, "a file holding exactly what would be written is taken back"
    assert "  claims/a.md\n" in (docs / MANIFEST).read_text(encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    site.write_claim("a.yml", claim_yaml(summary="A new short answer."))
    proc = generate(tmp_path)
    assert proc.returncode == 1 and "(or one changed since it did) is in the way" in proc.stderr
    assert page.read_text(encoding="utf-8").endswith("\nEdited.\n")


@pytest.fixture(scope="module")
def inside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inside")
    site = make_site_in(root, plugin_options="claims_dir: docs/claims-data")
    (root / "docs" / "claims-data").mkdir()
    (root / "docs" / "claims-data" / "published-check.yml").write_text(claim_yaml(), encoding="utf-8")
    (root / "docs" / "claims-data" / "draft-check.yml").write_text(
        claim_yaml(claim=DRAFT_CLAIM, status="draft"), encoding="utf-8")
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return root


def test_a_claims_folder_inside_docs_dir_is_left_out_of_the_site(inside: Path) -> None:
    out = inside / "site"
    assert not (out / "claims-data").exists()
    assert (out / "claims" / "published-check" / "index.html").is_file()
    leaked = [p for p in out.rglob("*") if p.is_file() and DRAFT_CLAIM.encode() in p.read_bytes()]
    assert leaked == []


def test_generate_refuses_a_claims_folder_inside_docs_dir(inside: Path) -> None:
    proc = generate(inside)
    assert proc.returncode == 1 and "the claims folder is inside docs_dir" in proc.stderr
    assert "Traceback" not in proc.stderr and not (inside / "docs" / "claims").exists()
