"""Our pages' folders and files made ahead of MkDocs, in a thread (plugin/pages_ahead.py).

The site must be what a build without it writes: the same files with the same bytes and
modes, no empty file or folder left where MkDocs wrote nothing (a page a hook emptied), no
page emptied that MkDocs had written, and every page written by `--dirty` on an empty
site_dir (MkDocs skips a page whose output is newer than its source; none is made ahead there).
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import Site, claim_yaml, make_site_in, site_files
from mkdocs_factcheck.plugin import pages_ahead
from mkdocs_factcheck.plugin.pages_ahead import PagesAhead

# A hook that empties one claim page's output: MkDocs then writes no file for it.
EMPTYING_HOOK = """
def on_post_page(output, page, config):
    return "" if page.file.src_uri.startswith("claims/dropped-check") else output
"""


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under ``folder``: its mode and (files) its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(path.stat().st_mode)
        found[path.relative_to(folder).as_posix()] = (mode, path.read_bytes() if path.is_file() else b"")
    return found


def desk(root: Path, **kwargs: str) -> Site:
    site = make_site_in(root, **kwargs)
    for number in range(6):
        site.write_claim(f"check-{number}.yml", claim_yaml(claim=f"Claim number {number} about chips.",
                                                           claimant=f"Claimant {number % 3}"))
    site.write_claim("dropped-check.yml", claim_yaml(claim="A check a hook drops."))
    return site


def test_a_file_already_written_is_never_emptied(tmp_path: Path) -> None:
    written = tmp_path / "site" / "claims" / "a" / "index.html"
    written.parent.mkdir(parents=True)
    written.write_text("<html>MkDocs was first</html>", encoding="utf-8")
    ahead = PagesAhead()
    ahead.start(str(tmp_path / "site"), [str(written), str(tmp_path / "site" / "claims" / "b" / "index.html")])
    ahead.finish()
    assert written.read_text(encoding="utf-8") == "<html>MkDocs was first</html>"


def test_files_left_empty_go_with_the_folders_made_for_them(tmp_path: Path) -> None:
    site = tmp_path / "site"
    kept, left = site / "claims" / "kept" / "index.html", site / "claims" / "left" / "deep" / "index.html"
    other = site / "claims" / "other.txt"
    other.parent.mkdir(parents=True)
    other.write_text("someone else's", encoding="utf-8")
    ahead = PagesAhead()
    ahead.start(str(site), [str(kept), str(left)])
    ahead._thread.join()  # type: ignore[union-attr]  # both made, as the build finds them
    assert kept.is_file() and left.is_file() and kept.stat().st_size == 0
    kept.write_bytes(b"<html>filled</html>")  # MkDocs wrote this one, not the other
    ahead.finish()
    assert kept.read_bytes() == b"<html>filled</html>"
    assert not (site / "claims" / "left").exists()  # its folders were made for it alone
    assert other.is_file() and site.is_dir()


def test_a_made_file_has_the_mode_mkdocs_gives_its_own(tmp_path: Path) -> None:
    ahead = PagesAhead()
    made = tmp_path / "site" / "page" / "index.html"
    ahead.start(str(tmp_path / "site"), [str(made)])
    ahead._thread.join()  # type: ignore[union-attr]
    with open(tmp_path / "by-open.html", "wb"):
        pass
    assert stat.S_IMODE(made.stat().st_mode) == stat.S_IMODE((tmp_path / "by-open.html").stat().st_mode)
    ahead.finish()


def test_finish_stops_the_thread_before_it_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reached, go_on = threading.Event(), threading.Event()
    real_makedirs = os.makedirs

    def slow_makedirs(path: str, exist_ok: bool = False) -> None:
        reached.set()
        go_on.wait(5)
        real_makedirs(path, exist_ok=exist_ok)

    monkeypatch.setattr(pages_ahead.os, "makedirs", slow_makedirs)
    ahead = PagesAhead()
    paths = [str(tmp_path / "site" / f"p{n}" / "index.html") for n in range(50)]
    ahead.start(str(tmp_path / "site"), paths)
    assert reached.wait(5)
    stopper = threading.Thread(target=ahead.finish)
    stopper.start()
    go_on.set()
    stopper.join(10)
    assert not stopper.is_alive()
    assert not any(Path(path).exists() for path in paths)  # made ones taken away, the rest never made


@pytest.mark.slow
def test_the_site_is_the_one_a_build_without_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hooks.py").write_text(EMPTYING_HOOK, encoding="utf-8")
    started = tmp_path / "started"  # the build runs in a forked child: it says so in a file
    real_start = PagesAhead.start

    def counted(self: PagesAhead, site_dir: str, paths: list[str]) -> None:
        started.write_text(str(len(paths)), encoding="utf-8")
        real_start(self, site_dir, paths)

    monkeypatch.setattr(PagesAhead, "start", counted)
    with_it = desk(tmp_path / "with", config_extra="hooks:\n  - ../hooks.py\n")
    built = with_it.build()
    assert built.returncode == 0, built.output
    assert int(started.read_text(encoding="utf-8")) >= 8  # claim pages and listings, made ahead
    monkeypatch.setattr(PagesAhead, "start", lambda self, site_dir, paths: None)
    without = desk(tmp_path / "without", config_extra="hooks:\n  - ../hooks.py\n")
    assert without.build().returncode == 0
    made, plain = tree(with_it.root / "site"), tree(without.root / "site")
    assert not any(name.startswith("claims/dropped-check") for name in made)
    assert {n: v for n, v in made.items() if not n.endswith(".gz")} == \
        {n: v for n, v in plain.items() if not n.endswith(".gz")}
    assert site_files(with_it.root / "site") == site_files(without.root / "site")


@pytest.mark.slow
def test_a_dirty_build_into_an_empty_site_dir_writes_every_page(tmp_path: Path) -> None:
    dirty = desk(tmp_path / "dirty")
    assert dirty.build("--dirty").returncode == 0
    clean = desk(tmp_path / "clean")
    assert clean.build().returncode == 0
    pages = {name for name in site_files(clean.root / "site") if name.endswith(".html")}
    assert pages and pages <= set(site_files(dirty.root / "site"))
    assert all((dirty.root / "site" / name).stat().st_size > 0 for name in pages)
