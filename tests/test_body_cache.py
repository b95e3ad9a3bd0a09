"""Page bodies kept on disk between builds (output/cache.py's BodyStore, keyed by plan/siteplan.py):
a warm build renders again exactly the pages whose inputs changed, and shows what a cold build
shows; a damaged cache file is ignored, never trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import claim_yaml
from mkdocs_factcheck.output import cache as disk_cache
from mkdocs_factcheck.plan.siteplan import SitePlanner, settings_from

BODIES = Path(".cache") / "plugin" / "factcheck" / disk_cache.BODIES_FILE
PEOPLE = [{"id": "deepseek", "name": "DeepSeek", "type": "organization"},
          {"id": "desk", "name": "Desk", "type": "organization", "desk": True}]


def write_site(root: Path) -> None:
    """Three checks: a (related to b, tagged like b), b (older, so its tag spelling is shown) and
    c (another claimant, nothing in common), and a people registry."""
    (root / "claims").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    write_claim(root, "a", related=["b"], tags=["cost"])
    write_claim(root, "b", claim="DeepSeek trained R1 on 2,048 H800 chips only.", verdict="false",
                tags=["Cost"], published="2025-01-20", quotes=None)
    write_claim(root, "c", claim="OpenAI's o1 costs more to run than GPT-4.", claimant="OpenAI",
                verdict="true", tags=["inference"], quotes=None)
    write_people(root, PEOPLE)


def write_claim(root: Path, name: str, **fields: Any) -> None:
    (root / "claims" / f"{name}.yml").write_text(claim_yaml(**fields), encoding="utf-8")


def write_people(root: Path, people: list[dict[str, Any]]) -> None:
    (root / "people.yml").write_text(yaml.safe_dump(people, sort_keys=False), encoding="utf-8")


@dataclass
class Made:
    bodies: dict[str, str]  # every generated page's body, by source path
    rendered: int = 0
    reused: int = 0


def build(root: Path, *, keep: bool = True, site: dict[str, Any] | None = None, workers: int = 1,
          **options: Any) -> Made:
    """Every page body of the site at ``root``, as a build makes them: with ``keep``, from and
    into the bodies file (a warm or cold build); without, rendered (the reference)."""
    settings = settings_from(options, config_dir=root, docs_dir="docs", site_name="Desk",
                             **{"site_url": "https://checks.example.org/", **(site or {})})
    planner = SitePlanner(settings, keep_bodies=keep)
    plan = planner.plan()
    assert plan.errors == []
    ahead = plan.prerender(workers)
    bodies = {}
    for uri, spec in plan.pages.items():
        taken = ahead.take(spec, plan.url(uri)) if ahead is not None else None
        bodies[uri] = taken.html() if taken is not None else plan.body(spec)
    if ahead is not None:
        ahead.close()
    made = planner.bodies_made() or (len(bodies), 0)
    planner.save_cache()
    return Made(bodies, *made)


def git(root: Path, *args: str, day: str = "2025-02-03") -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(autouse=True)
def _fresh_code_key() -> Iterator[None]:
    disk_cache.code_key.cache_clear()
    yield
    disk_cache.code_key.cache_clear()


# --- what a warm build renders again ---------------------------------------------------------


def test_a_warm_build_renders_nothing_and_shows_the_same(tmp_path: Path) -> None:
    write_site(tmp_path)
    cold = build(tmp_path)
    assert (cold.rendered, cold.reused) == (len(cold.bodies), 0)
    assert (tmp_path / BODIES).is_file()
    warm = build(tmp_path)
    assert (warm.rendered, warm.reused) == (0, len(cold.bodies))
    assert warm.bodies == cold.bodies == build(tmp_path, keep=False).bodies


@pytest.mark.slow
def test_workers_keep_and_reuse_bodies_as_one_process_does(tmp_path: Path) -> None:
    write_site(tmp_path)
    reference = build(tmp_path, keep=False).bodies
    cold = build(tmp_path, workers=2)
    assert cold.bodies == reference and cold.rendered == len(reference)
    warm = build(tmp_path, workers=2)
    assert warm.bodies == reference and (warm.rendered, warm.reused) == (0, len(reference))
    write_claim(tmp_path, "b", claim="An edited claim.", verdict="false", tags=["Cost"], published="2025-01-20")
    edited = build(tmp_path, workers=2)
    assert edited.bodies == build(tmp_path, keep=False).bodies
    assert 0 < edited.rendered < len(reference)


@dataclass
class Edit:
    """A change to the site, and a page it must change."""

    page: str
    files: Callable[[Path], None] = lambda root: None
    options: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    local: bool = True  # pages it does not concern are reused


def _override(root: Path) -> None:
    folder = root / "overrides" / "factcheck"
    folder.mkdir(parents=True)
    packaged = Path(disk_cache.__file__).parents[1] / "templates" / "claim.html"
    (folder / "claim.html").write_text(packaged.read_text(encoding="utf-8").replace(
        "<article", "<p>Our own claim page.</p>\n<article", 1), encoding="utf-8")


EDITS = {
    "a related check's claim": Edit("claims/a.md", lambda root: write_claim(
        root, "b", claim="DeepSeek trained R1 on 10,000 H800 chips.", verdict="false", tags=["Cost"],
        published="2025-01-20", quotes=None)),
    "a related check's verdict": Edit("claims/a.md", lambda root: write_claim(
        root, "b", claim="DeepSeek trained R1 on 2,048 H800 chips only.", verdict="mixed", tags=["Cost"],
        published="2025-01-20", quotes=None)),
    "a related check's headline and date": Edit("claims/a.md", lambda root: write_claim(
        root, "b", claim="DeepSeek trained R1 on 2,048 H800 chips only.", verdict="false", tags=["Cost"],
        published="2025-01-21", claim_date="2025-01-02", headline="The chip count is not the whole story",
        quotes=None)),
    "the claimant's name in people.yml": Edit("claims/a.md", lambda root: write_people(
        root, [{**PEOPLE[0], "name": "DeepSeek Inc.", "aliases": ["DeepSeek"]}, PEOPLE[1]])),
    "a tag's name as another check writes it": Edit("claims/a.md", lambda root: write_claim(
        root, "b", claim="DeepSeek trained R1 on 2,048 H800 chips only.", verdict="false", tags=["COST"],
        published="2025-01-20", quotes=None)),
    "the strings": Edit("claims/c.md", options={"strings": {"our_verdict": "Our finding"}}, local=False),
    "the language": Edit("claims/c.md", options={"language": "de"}, local=False),
    "a template override": Edit("claims/c.md", _override, site={"custom_dir": "overrides"}, local=False),
    "page_size": Edit("claims/index.md", options={"page_size": 1}, local=False),
    "site_url": Edit("claims/c.md", site={"site_url": "https://elsewhere.example.org/"}, local=False),
    "use_directory_urls": Edit("claims/c.md", site={"use_directory_urls": False}, local=False),
    "a correction": Edit("corrections-log/index.md", lambda root: write_claim(
        root, "a", related=["b"], tags=["cost"], updated="2025-02-02",
        corrections=[{"date": "2025-02-02", "note": "Added the hardware estimate."}])),
    "the updated date": Edit("claims/a.md", lambda root: write_claim(
        root, "a", related=["b"], tags=["cost"], updated="2025-02-05")),
    "a new check": Edit("scoreboard.md", lambda root: write_claim(
        root, "d", claim="A new claim by OpenAI.", claimant="OpenAI", verdict="mostly-true", quotes=None)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", EDITS)
def test_a_warm_build_after_an_edit_shows_what_a_cold_build_shows(tmp_path: Path, name: str) -> None:
    edit = EDITS[name]
    write_site(tmp_path)
    before = build(tmp_path)
    edit.files(tmp_path)
    warm = build(tmp_path, site=edit.site, **edit.options)
    cold = build(tmp_path, keep=False, site=edit.site, **edit.options)
    assert warm.bodies[edit.page] != before.bodies[edit.page], "the edit changes the page"
    assert [uri for uri in cold.bodies if warm.bodies.get(uri) != cold.bodies[uri]] == []
    assert sorted(warm.bodies) == sorted(cold.bodies)
    assert warm.rendered > 0
    if edit.local:
        assert warm.bodies["claims/c.md"] == before.bodies["claims/c.md"]
        assert warm.reused > 0, "what the edit does not concern is not rendered again"


def _overriding_site_built(root: Path) -> dict[str, Any]:
    """A site with its own claim.html, built once (its bodies kept); its site settings."""
    write_site(root)
    _override(root)
    site: dict[str, Any] = {"custom_dir": "overrides"}
    build(root, site=site)
    return site


@pytest.mark.slow
def test_an_override_edited_in_place_is_seen_by_its_content(tmp_path: Path) -> None:
    """Same size, same file time: the templates' fingerprint reads the templates themselves."""
    site = _overriding_site_built(tmp_path)
    override = tmp_path / "overrides" / "factcheck" / "claim.html"
    stat = override.stat()
    override.write_text(override.read_text(encoding="utf-8").replace("Our own", "Your own"), encoding="utf-8")
    os.utime(override, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    warm = build(tmp_path, site=site)
    assert "Your own claim page." in warm.bodies["claims/c.md"]
    assert warm.bodies == build(tmp_path, keep=False, site=site).bodies


@pytest.mark.slow
def test_an_overriding_site_keys_every_page_on_the_whole_catalog(tmp_path: Path) -> None:
    """An override may read anything of the catalog: an edit renders every page again."""
    site = _overriding_site_built(tmp_path)
    EDITS["a related check's verdict"].files(tmp_path)
    warm = build(tmp_path, site=site)
    assert (warm.rendered, warm.reused) == (len(warm.bodies), 0)
    assert warm.bodies == build(tmp_path, keep=False, site=site).bodies


@pytest.mark.slow
def test_bodies_of_another_plugin_version_or_library_are_not_reused(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_site(tmp_path)
    pages = len(build(tmp_path).bodies)
    assert build(tmp_path).reused == pages
    monkeypatch.setattr(disk_cache, "__version__", "0.0.0-another")
    disk_cache.code_key.cache_clear()
    assert (build(tmp_path).rendered, build(tmp_path).reused) == (pages, pages)  # rendered once, then kept
    monkeypatch.setattr(disk_cache, "installed", lambda library: "99.0")
    disk_cache.code_key.cache_clear()
    assert build(tmp_path).rendered == pages


@pytest.mark.slow
def test_a_change_in_git_history_alone_renders_the_page_again(tmp_path: Path) -> None:
    """The verdict history comes from git, not the claim file: rewriting when the verdict changed
    (the file as it is) changes the page."""
    write_site(tmp_path)
    write_claim(tmp_path, "a", related=["b"], tags=["cost"], verdict="unproven")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "publish", day="2025-01-20")
    write_claim(tmp_path, "a", related=["b"], tags=["cost"], updated="2025-02-03",
                corrections=[{"date": "2025-02-03", "note": "New evidence changed the verdict."}])
    git(tmp_path, "commit", "-qam", "new evidence", day="2025-02-03")
    site = {"repo_url": "https://github.com/example/checks"}
    before = build(tmp_path, site=site)
    assert "Verdict changes" in before.bodies["claims/a.md"]
    git(tmp_path, "commit", "-q", "--amend", "--no-edit", day="2025-02-01")  # the same files, another day
    warm = build(tmp_path, site=site)
    assert warm.bodies["claims/a.md"] != before.bodies["claims/a.md"]
    assert warm.bodies == build(tmp_path, keep=False, site=site).bodies
    assert warm.reused > 0


# --- the file: damaged, truncated, gone pages, links ------------------------------------------


def _corrupt(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["truncated", *(pytest.param(damage, marks=pytest.mark.slow) for damage in (
    "cut to its header", "an index byte", "the trailer", "empty", "not ours", "a pipe", "a folder"))])
def test_a_damaged_bodies_file_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    write_site(tmp_path)
    pages = len(build(tmp_path).bodies)
    path = tmp_path / BODIES
    size = path.stat().st_size
    if damage == "truncated":
        os.truncate(path, size - 7)
    elif damage == "cut to its header":
        os.truncate(path, len(disk_cache.MAGIC) + 3)
    elif damage == "an index byte":
        _corrupt(path, size - 80)
    elif damage == "the trailer":
        _corrupt(path, size - 20)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not ours":
        path.write_bytes(os.urandom(size))
    elif damage == "a pipe":  # opening it must not wait for a writer
        path.unlink()
        os.mkfifo(path)
    else:
        path.unlink()
        path.mkdir()
    warm = build(tmp_path)
    assert (warm.rendered, warm.reused) == (pages, 0)
    assert warm.bodies == build(tmp_path, keep=False).bodies
    if damage not in ("a folder", "a pipe"):  # rewritten whole, and used by the next build
        assert build(tmp_path).reused == pages


def test_a_damaged_body_is_rendered_again_and_the_others_reused(tmp_path: Path) -> None:
    write_site(tmp_path)
    pages = len(build(tmp_path).bodies)
    _corrupt(tmp_path / BODIES, len(disk_cache.MAGIC) + 10)  # inside the first body
    warm = build(tmp_path)
    assert (warm.rendered, warm.reused) == (1, pages - 1)
    assert warm.bodies == build(tmp_path, keep=False).bodies


def test_bodies_of_pages_that_are_gone_are_dropped(tmp_path: Path) -> None:
    write_site(tmp_path)
    first = build(tmp_path)
    assert len(disk_cache.BodyStore(tmp_path / BODIES)) == len(first.bodies)
    (tmp_path / "claims" / "c.yml").unlink()  # its page, its claimant's and its tag's go
    second = build(tmp_path)
    assert len(second.bodies) < len(first.bodies)
    assert len(disk_cache.BodyStore(tmp_path / BODIES)) == len(second.bodies)


def test_an_unchanged_build_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    write_site(tmp_path)
    build(tmp_path)
    path = tmp_path / BODIES
    before = path.stat()
    build(tmp_path)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".bodies-")] == []


def test_the_new_file_of_a_killed_build_is_removed_by_a_later_one(tmp_path: Path) -> None:
    write_site(tmp_path)
    build(tmp_path)
    folder = (tmp_path / BODIES).parent
    killed, running = folder / ".bodies-killed", folder / ".bodies-running"
    for path in (killed, running):
        path.write_bytes(b"half a file")
    old = killed.stat().st_mtime - disk_cache.STALE_SECONDS - 60
    os.utime(killed, (old, old))
    build(tmp_path)
    assert not killed.exists() and running.exists()


def test_no_bodies_are_kept_through_a_symbolic_link(tmp_path: Path) -> None:
    """A link committed at .cache/plugin/factcheck would have the build write elsewhere."""
    write_site(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".cache" / "plugin").mkdir(parents=True)
    (tmp_path / ".cache" / "plugin" / "factcheck").symlink_to(elsewhere)
    made = build(tmp_path)
    assert made.rendered == len(made.bodies) and list(elsewhere.iterdir()) == []
    shutil.rmtree(tmp_path / ".cache")
    (tmp_path / ".cache" / "plugin" / "factcheck").mkdir(parents=True)
    (tmp_path / BODIES).symlink_to(elsewhere / "planted")
    build(tmp_path)
    assert list(elsewhere.iterdir()) == []


def test_bodies_go_in_cache_dir_when_the_site_sets_one(tmp_path: Path) -> None:
    write_site(tmp_path)
    build(tmp_path, cache_dir=".ci-cache")
    assert (tmp_path / ".ci-cache" / disk_cache.BODIES_FILE).is_file() and not (tmp_path / BODIES).exists()
    assert build(tmp_path, cache_dir=".ci-cache").rendered == 0


def test_the_scaffold_keeps_the_cache_out_of_git() -> None:
    scaffold = Path(disk_cache.__file__).parents[1] / "scaffold"
    ignored = [line.strip() for path in scaffold.rglob("*gitignore*") for line in path.read_text().splitlines()]
    assert ".cache/" in ignored


KEYS = """
import json, sys
from pathlib import Path
from mkdocs_factcheck.plan.siteplan import SitePlanner, settings_from
root = Path(sys.argv[1])
settings = settings_from({"warnings_as_errors": ["claim-too-long", "duplicate-source", "card-fallback"]},
                         config_dir=root, docs_dir="docs", site_name="Desk")
plan = SitePlanner(settings, keep_bodies=True).plan()
assert not plan.errors, plan.errors
print(json.dumps({uri: plan._reuse_key(spec, plan.url(uri)) for uri, spec in plan.pages.items()}))
"""


@pytest.mark.slow
def test_keys_are_the_same_in_every_process(tmp_path: Path) -> None:
    """Each build is a new process, with its own string hashing (set order): keys must not depend on it."""
    write_site(tmp_path)
    found = [subprocess.run([sys.executable, "-c", KEYS, str(tmp_path)], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")]
    keys = json.loads(found[0])
    assert len(keys) > 10 and all(keys.values())
    assert found[1] == found[0] and found[2] == found[0]
