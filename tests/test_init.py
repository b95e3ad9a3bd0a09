"""`factcheck init DIR`: a complete new site that builds strict with no broken link, its pages saying
what is still to be written; and `factcheck new` starting drafts. The built site is made once (the
wheel in a clean venv, under MkDocs, ProperDocs and Zensical, is .ci/packaging's)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import make_site_in
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs_factcheck import cli
from mkdocs_factcheck.plan import unwritten
from mkdocs_factcheck.project.mkdocs_yml import read_config
from mkdocs_factcheck.tools import init
from test_ecosystem import check_links

PAGES = ("index", "about", "methodology", "funding", "contact", "corrections")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "desk"
    assert cli.main(["init", str(root), "--name", "Our desk: checks & facts"]) == 0
    return root


@pytest.fixture(scope="module")
def built(new_site: Path) -> Iterator[tuple[Path, list[str]]]:
    """The new site built strict, in-process, with what the build logged."""
    handler = _Lines()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    cwd = Path.cwd()
    os.chdir(new_site)
    try:
        MkDocsConfig.plugins.plugin_cache.clear()
        config = load_config(str(new_site / "mkdocs.yml"), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        os.chdir(cwd)
        logger.removeHandler(handler)
        logger.setLevel(level)
    yield new_site / "site", handler.lines


@pytest.mark.slow
def test_the_new_site_has_every_part(new_site: Path) -> None:
    for part in ("mkdocs.yml", ".gitignore", "requirements.txt", ".vscode/settings.json", "schema/claim.schema.json",
                 "claims/example-check.yml", "overrides/factcheck.html", ".github/workflows/validate.yml",
                 ".github/workflows/deploy.yml", ".github/workflows/links.yml", *(f"docs/{p}.md" for p in PAGES)):
        assert (new_site / part).is_file(), part
    config = read_config(new_site / "mkdocs.yml")
    options = next(p["factcheck"] for p in config["plugins"] if isinstance(p, dict) and "factcheck" in p)
    assert {options[key] for key in ("about", "methodology", "funding", "corrections", "contact")} == {
        f"{page}.md" for page in PAGES if page != "index"}
    assert config["site_name"] == options["organization"] == "Our desk: checks & facts"
    example = yaml.safe_load((new_site / "claims" / "example-check.yml").read_text(encoding="utf-8"))
    assert example["status"] == "draft"
    editor = json.loads((new_site / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    [(schema, globs)] = editor.items()
    assert (new_site / schema).is_file() and "claims/*.yml" in globs
    first_line = (new_site / "claims" / "example-check.yml").read_text(encoding="utf-8").splitlines()[0]
    assert (new_site / "claims" / first_line.split("$schema=")[1]).resolve() == (new_site / schema).resolve()


@pytest.mark.slow
def test_the_new_site_builds_strict_with_no_broken_link(built: tuple[Path, list[str]]) -> None:
    site, lines = built
    assert not [line for line in lines if line.startswith(("WARNING", "ERROR"))], lines
    assert not check_links(site)
    for page in ("", "about/", "methodology/", "funding/", "contact/", "corrections/", "scoreboard/", "claims/"):
        assert (site / page / "index.html").is_file(), page
    assert not (site / "claims" / "example-check").exists(), "the example is a draft: never published"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Still to be written" in home and "Our desk: checks &amp; facts" in home


@pytest.mark.slow
def test_the_build_says_which_pages_are_still_to_be_written(built: tuple[Path, list[str]]) -> None:
    _, lines = built
    noted = sorted(line.split("still to be written: ")[1].split(" ")[0] for line in lines
                   if "still to be written: " in line)
    assert noted == sorted(f"docs/{page}.md" for page in PAGES)
    assert all(line.startswith("INFO") for line in lines if "still to be written" in line), "never fails strict"


def test_a_written_page_is_no_longer_listed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n" + unwritten.TO_WRITE + "\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\nWritten.\n", encoding="utf-8")
    assert unwritten.unwritten(tmp_path) == ["a.md"]


@pytest.mark.slow
def test_the_workflows_build_with_history_and_the_public_address(new_site: Path) -> None:
    deploy = yaml.safe_load((new_site / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = deploy["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    building = next(s for s in steps if "mkdocs build --strict" in s.get("run", ""))
    assert steps.index(pages) < steps.index(building)
    assert building["env"]["SITE_URL"] == "${{ steps." + pages["id"] + ".outputs.base_url }}/"
    text = (new_site / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL," in text and "repo_url: !ENV [REPO_URL" in text
    validate = yaml.safe_load((new_site / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    assert validate["jobs"]["validate"]["steps"][0]["with"]["fetch-depth"] == 0
    ignored = (new_site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in ignored and "/docs/scoreboard.md" in ignored


def test_the_zensical_path_generates_and_guards(tmp_path: Path) -> None:
    assert cli.main(["init", str(tmp_path / "z"), "--engine", "zensical", "--language", "fr"]) == 0
    deploy = (tmp_path / "z" / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert deploy.index("factcheck generate\n") < deploy.index("factcheck generate --check") < deploy.index(
        "zensical build --strict")
    assert f"zensical=={init.ZENSICAL_VERSION}" in deploy
    assert read_config(tmp_path / "z" / "mkdocs.yml")["theme"]["language"] == "fr"


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "about.md").write_text("# Ours\n", encoding="utf-8")
    assert cli.main(["init", str(tmp_path)]) == 1
    assert "already holds docs/about.md" in capsys.readouterr().err
    assert (tmp_path / "docs" / "about.md").read_text(encoding="utf-8") == "# Ours\n"
    assert not (tmp_path / "mkdocs.yml").exists(), "nothing written"


@pytest.mark.parametrize("args", [["--language", "French!"], ["--name", "  "]])
def test_bad_choices_are_errors(tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["init", str(tmp_path / "x"), *args]) == 1
    assert "error:" in capsys.readouterr().err and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_new_makes_a_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site_in(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "A claim.", "--id", "a-claim"]) == 0
    assert yaml.safe_load((tmp_path / "claims" / "a-claim.yml").read_text(encoding="utf-8"))["status"] == "draft"


# This repository's own site: its address comes from the deployment too.


def test_the_repo_site_takes_its_address_from_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import REPO

    assert "example.org" not in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("REPO_URL", raising=False)
    local = read_config(REPO / "mkdocs.yml")
    assert local["site_url"] == "http://127.0.0.1:8000/" and local["repo_url"] is None
    monkeypatch.setenv("SITE_URL", "https://desk.github.io/checks/")
    monkeypatch.setenv("REPO_URL", "https://github.com/desk/checks")
    deployed = read_config(REPO / "mkdocs.yml")
    assert deployed["site_url"] == "https://desk.github.io/checks/"
    assert deployed["repo_url"] == "https://github.com/desk/checks"
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))["with"]["fetch-depth"] == 0
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    building = next(s for s in steps if "mkdocs build --strict" in s.get("run", ""))
    assert steps.index(pages) < steps.index(building)
    assert building["env"] == {"SITE_URL": "${{ steps." + pages["id"] + ".outputs.base_url }}/",
                               "REPO_URL": "${{ github.server_url }}/${{ github.repository }}"}


@pytest.mark.slow
def test_a_language_without_our_words_keeps_english_on_purpose(tmp_path: Path) -> None:
    """Else the new site's strict build would stop on the warning for English under <html lang=ja>."""
    assert cli.main(["init", str(tmp_path / "ja"), "--language", "ja"]) == 0
    config = read_config(tmp_path / "ja" / "mkdocs.yml")
    options = next(p["factcheck"] for p in config["plugins"] if isinstance(p, dict) and "factcheck" in p)
    assert config["theme"]["language"] == "ja" and options["language"] == "en"
    assert "translate them" in (tmp_path / "ja" / "mkdocs.yml").read_text(encoding="utf-8")
    assert cli.main(["init", str(tmp_path / "pt"), "--language", "pt-BR"]) == 0
    assert "language" not in next(p["factcheck"] for p in read_config(tmp_path / "pt" / "mkdocs.yml")["plugins"]
                                  if isinstance(p, dict) and "factcheck" in p)
