"""The `factcheck` command, run for real as a subprocess on temp sites; the CI workflows
and the pre-commit hook that call it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ENV, REPO, Site, claim_yaml, make_site_in
from mkdocs_factcheck.claims.slugs import claim_id_for
from mkdocs_factcheck.cli import COMMANDS, build_parser

FACTCHECK = [sys.executable, "-m", "mkdocs_factcheck.cli"]
LOCATED = re.compile(r"^(?:\S+ +-  factcheck: | +)?(?P<line>\S+\.ya?ml:\d+:\d+: .*)$")

# A minimal valid claim with no editorial warning, written out so that line numbers are known.
GOOD = """\
claim: The claim.
claimant: Someone
verdict: misleading
summary: The short answer.
sources:
  - title: A report
    url: https://example.org/report
    archive_url: https://archive.example.org/report
published: 2025-01-30
appearance: https://example.org/where-it-was-said
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FACTCHECK, *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=120)


def located(output: str) -> list[str]:
    """The `file:line:col: message (hint)` lines of a command's output."""
    return [m["line"] for m in map(LOCATED.match, output.splitlines()) if m]


def without_hint(line: str) -> str:
    return re.sub(r" \((?:[^()]|\([^()]*\))*\)$", "", line)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site_in(tmp_path)


def write_broken_claims(site: Site) -> None:
    site.write_claim("good.yml", GOOD)
    site.write_claim("bad-verdict.yml", GOOD.replace("verdict: misleading", "verdict: flase"))
    site.write_claim("typo.yml", GOOD.replace("summary:", "sumary:"))
    site.write_claim("js-url.yml", GOOD.replace("https://example.org/report", "javascript:alert(1)"))
    site.write_claim("lost.yml", GOOD + "related: [good, no-such-claim]\n")
    site.write_claim("unquoted.yml", GOOD.replace("The short answer.", "Cost: $6 million: no"))


BROKEN_LINES = {
    "claims/bad-verdict.yml:3:10: unknown verdict 'flase'",
    "claims/js-url.yml:7:10: 'sources.0.url' is not an http(s) URL: 'javascript:alert(1)'",
    "claims/lost.yml:11:17: related claim 'no-such-claim' does not exist",
    "claims/typo.yml:1:1: missing required key 'summary'",
    "claims/typo.yml:4:1: unknown key 'sumary'",
    "claims/unquoted.yml:4:14: invalid YAML: mapping values are not allowed in this context",
}


# --- validate ---------------------------------------------------------------------------


def test_clean_folder_exits_0(site: Site) -> None:
    site.write_claim("one.yml", GOOD)
    site.write_claim("two.yml", claim_yaml(related=["one"], quotes=None, sources=[
        {"title": "A report", "url": "https://example.org/report", "archive_url": "https://archive.example.org/r"}]))
    result = run("validate", cwd=site.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "2 claim files checked: no problems\n"


def test_every_problem_is_reported_with_its_place(site: Site) -> None:
    write_broken_claims(site)
    result = run("validate", cwd=site.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert {without_hint(line) for line in lines[:-1]} == BROKEN_LINES
    assert lines == [*sorted(lines[:-1]), lines[-1]]
    assert all(line.endswith(")") for line in lines[:-1]), "every problem carries a hint"
    assert "claims/bad-verdict.yml:3:10: unknown verdict 'flase' (did you mean 'false'?" in lines[0]
    assert lines[-1] == "6 problems in 5 files (6 claim files checked)"


def test_validate_and_build_report_the_same_errors(site: Site) -> None:
    write_broken_claims(site)
    checked = run("validate", cwd=site.root)
    built = site.build()
    assert built.returncode != 0
    assert set(located(built.output)) == set(located(checked.stdout))
    assert len(located(checked.stdout)) == len(BROKEN_LINES)


def test_named_files_are_checked_against_the_whole_folder(site: Site) -> None:
    write_broken_claims(site)
    site.write_claim("linked.yml", GOOD + "related: [good]\n")
    result = run("validate", "claims/linked.yml", cwd=site.root)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "1 claim file checked: no problems\n"

    result = run("validate", "claims/lost.yml", "claims/typo.yml", cwd=site.root)
    assert result.returncode == 1
    assert {without_hint(line) for line in result.stdout.splitlines()[:-1]} == {
        line for line in BROKEN_LINES if line.startswith(("claims/lost.yml", "claims/typo.yml"))}
    assert result.stdout.splitlines()[-1] == "3 problems in 2 files (2 claim files checked)"


def test_a_file_outside_the_claims_folder_is_checked_with_its_own_folder(site: Site) -> None:
    elsewhere = site.root / "drafts"
    elsewhere.mkdir()
    (elsewhere / "draft.yml").write_text(GOOD + "related: [good]\n", encoding="utf-8")
    site.write_claim("good.yml", GOOD)
    result = run("validate", "drafts/draft.yml", cwd=site.root)
    assert result.returncode == 1
    assert without_hint(result.stdout.splitlines()[0]) == (
        "drafts/draft.yml:11:11: related claim 'good' does not exist")


def test_scale_and_claims_dir_come_from_mkdocs_yml(tmp_path: Path) -> None:
    scale = """
        claims_dir: checks
        scale:
          - {key: wrong, label: Wrong, value: 1, colour: "#aa0000"}
          - {key: right, label: Right, value: 2, colour: "#00aa00"}
    """
    extra = ("extra:\n  analytics: !ENV [NO_SUCH_VARIABLE, none]\n"
             "markdown_extensions:\n  - pymdownx.emoji:\n"
             "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    site = make_site_in(tmp_path, plugin_options=scale, config_extra=extra)
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "ok.yml").write_text(GOOD.replace("misleading", "right"), encoding="utf-8")
    (checks / "off-scale.yml").write_text(GOOD, encoding="utf-8")
    result = run("validate", cwd=site.root)
    assert result.returncode == 1
    assert located(result.stdout) == [
        "checks/off-scale.yml:3:10: unknown verdict 'misleading' (write one of: wrong, right)"]


def test_inherited_config_and_config_file_option(tmp_path: Path) -> None:
    site = make_site_in(tmp_path / "site", plugin_options="claims_dir: checks\n")
    (site.root / "checks").mkdir()
    (site.root / "checks" / "off.yml").write_text(GOOD.replace("misleading", "right"),
                                                  encoding="utf-8")
    (site.root / "child.yml").write_text(
        "INHERIT: mkdocs.yml\nplugins:\n  - factcheck:\n      claims_dir: checks\n      scale:\n"
        "        - {key: right, label: Right, value: 1, colour: '#00aa00'}\n", encoding="utf-8")
    parent_config = run("validate", "-f", "site/mkdocs.yml", cwd=tmp_path)
    assert parent_config.returncode == 1
    assert located(parent_config.stdout)[0].startswith(
        "site/checks/off.yml:3:10: unknown verdict 'right'")
    assert run("validate", "--config-file", "site/child.yml", cwd=tmp_path).returncode == 0


def test_a_folder_holding_the_site_validates_only_its_claims(site: Site) -> None:
    site.write_claim("good.yml", GOOD)
    (site.root / "docs" / "data.yml").write_text("not: a claim\n", encoding="utf-8")
    result = run("validate", ".", cwd=site.root)
    assert (result.returncode, result.stdout) == (0, "1 claim file checked: no problems\n")


def test_a_broken_scale_in_mkdocs_yml_is_reported(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="scale:\n  - {key: Bad Key, label: X}\n")
    result = run("validate", cwd=site.root)
    assert result.returncode == 1
    assert "plugins.factcheck.scale is invalid" in result.stderr


def test_github_format_escapes_properties_and_data(site: Site) -> None:
    site.write_claim("bad-verdict.yml", GOOD.replace("verdict: misleading", "verdict: flase"))
    site.write_claim("a,b.yml", GOOD)
    result = run("validate", "--format", "github", cwd=site.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=claims/a%2Cb.yml,line=1,col=1,title=factcheck::"
        "the file name 'a,b' is not a valid claim id (rename the file to a-b.yml")
    assert lines[1].startswith(
        "::error file=claims/bad-verdict.yml,line=3,col=10,title=factcheck::unknown verdict 'flase'")
    assert lines[2] == "2 problems in 2 files (2 claim files checked)"


def test_github_escaping_rules() -> None:
    from mkdocs_factcheck.base.errors import ClaimError
    from mkdocs_factcheck.project.report import Report, format_github

    error = ClaimError("claims/x:y,z.yml", 2, 3, "100% wrong\r\nreally", "fix: it, now")
    no_line = ClaimError("claims", 0, 0, "the claims folder does not exist")
    lines = format_github(Report([error, no_line], 1))
    assert lines[0] == ("::error file=claims/x%3Ay%2Cz.yml,line=2,col=3,title=factcheck::"
                        "100%25 wrong%0D%0Areally (fix: it, now)")
    assert lines[1] == "::error file=claims,title=factcheck::the claims folder does not exist"


def test_json_format(site: Site) -> None:
    write_broken_claims(site)
    result = run("validate", "--format", "json", "claims/js-url.yml", cwd=site.root)
    assert result.returncode == 1
    (error,) = json.loads(result.stdout)
    hint = error.pop("hint")
    assert error == {"file": "claims/js-url.yml", "line": 7, "column": 10, "code": "", "severity": "error",
                     "message": "'sources.0.url' is not an http(s) URL: 'javascript:alert(1)'"}
    assert "https://" in hint
    assert result.stderr.strip() == "1 problem in 1 file (1 claim file checked)"
    clean = run("validate", "--format", "json", "claims/good.yml", cwd=site.root)
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])


def test_missing_claims_folder_is_an_error(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("claims:0:0: the claims folder does not exist")


@pytest.mark.parametrize("args", [
    [], ["validate", "no-such-file.yml"], ["validate", "mkdocs.yml", "--format", "xml"],
    ["validate", "docs/index.md"], ["validate", "claims/.hidden.yml"], ["bogus"],
    ["new", "x", "--verdict", "nope"],
    ["new", "北京"], ["new", "x", "--id", "Not An Id"],
])
def test_bad_usage_exits_2(site: Site, args: list[str]) -> None:
    site.write_claim(".hidden.yml", GOOD)
    result = run(*args, cwd=site.root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr


# --- new --------------------------------------------------------------------------------


def test_new_scaffold_lists_exactly_what_is_left_to_fill_in(site: Site) -> None:
    result = run("new", "DeepSeek built R1 for under $6 million.", cwd=site.root)
    assert result.returncode == 0, result.stderr
    path = site.claims / "deepseek-built-r1-for-under-6-million.yml"
    assert "claims/deepseek-built-r1-for-under-6-million.yml" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/claim.schema.json"
    data = yaml.safe_load(text)
    assert data["claim"] == "DeepSeek built R1 for under $6 million."
    assert data["published"] == date.today()
    for line in text.splitlines():
        if not line.startswith("#") and ":" in line and "#" in line:
            assert line.split("#", 1)[1].strip(), f"no comment on {line!r}"

    checked = run("validate", "claims/deepseek-built-r1-for-under-6-million.yml", cwd=site.root)
    assert checked.returncode == 1
    shown = "claims/deepseek-built-r1-for-under-6-million.yml"
    assert [without_hint(line) for line in checked.stdout.splitlines()[:-1]] == [
        f"{shown}:6:11: 'claimant' is empty",
        f"{shown}:10:10: unknown verdict ''",
        f"{shown}:11:10: 'summary' is empty",
        f"{shown}:14:12: 'sources.0.title' is empty",
        f"{shown}:15:10: 'sources.0.url' is not an http(s) URL: ''",
    ]


def test_new_with_claimant_and_verdict_then_filled_in_validates(site: Site) -> None:
    claim = 'He said: "it cost 50%" #1 \u2013 Émile\'s claim'
    result = run("new", claim, "--claimant", "Émile Zola", "--verdict", "false", cwd=site.root)
    assert result.returncode == 0, result.stderr
    path = site.claims / "he-said-it-cost-50-1-emile-s-claim.yml"
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["claim"] == claim
    checked = run("validate", cwd=site.root)
    assert {line.split(":", 3)[3].split(" (")[0].strip() for line in located(checked.stdout)} == {
        "'summary' is empty", "'sources.0.title' is empty",
        "'sources.0.url' is not an http(s) URL: ''"}
    filled = (text.replace('summary: ""', 'summary: "It did not."')
                  .replace('title: ""', 'title: "The report"')
                  .replace('url: ""', 'url: "https://example.org/r"'))
    path.write_text(filled, encoding="utf-8")
    assert run("validate", cwd=site.root).returncode == 0


def test_new_refuses_to_overwrite(site: Site) -> None:
    site.write_claim("taken.yaml", GOOD)
    result = run("new", "Taken", cwd=site.root)
    assert result.returncode == 1
    assert "claims/taken.yaml already exists" in result.stderr
    assert (site.claims / "taken.yaml").read_text(encoding="utf-8") == GOOD
    assert not (site.claims / "taken.yml").exists()
    assert run("new", "Taken", "--id", "taken-again", cwd=site.root).returncode == 0


def test_new_in_another_folder_points_at_the_schema(site: Site) -> None:
    result = run("new", "Nested claim", "--dir", "content/claims", cwd=site.root)
    assert result.returncode == 0, result.stderr
    first = (site.root / "content/claims/nested-claim.yml").read_text(encoding="utf-8")
    assert first.startswith("# yaml-language-server: $schema=../../schema/claim.schema.json\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("Short claim", "short-claim"),
    ("word " * 30, "word-" * 11 + "word"),
    ("a" * 80, "a" * 60),
    ("DeepSeek's R1 model was built in two months for under $6 million, said a post",
     "deepseek-s-r1-model-was-built-in-two-months-for-under-6"),
])
def test_claim_ids_are_cut_at_a_hyphen(text: str, expected: str) -> None:
    claim_id = claim_id_for(text)
    assert claim_id == expected
    assert len(claim_id) <= 60


# --- schema -----------------------------------------------------------------------------


def test_schema_writes_and_checks(tmp_path: Path) -> None:
    assert run("schema", "--check", cwd=tmp_path).returncode == 1  # missing
    written = run("schema", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    path = tmp_path / "schema" / "claim.schema.json"
    assert json.loads(path.read_text(encoding="utf-8"))["title"] == "Fact-check claim file"
    assert run("schema", "--check", cwd=tmp_path).returncode == 0
    path.write_text(path.read_text(encoding="utf-8").replace("misleading", "misled"), encoding="utf-8")
    stale = run("schema", "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
    assert run("schema", "--output", "other.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "other.json").is_file()


# --- CI workflows -----------------------------------------------------------------------

WORKFLOWS = REPO / ".github" / "workflows"


def workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(data: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data["jobs"][job]["steps"]
    return result


def uses(step_list: list[dict[str, Any]]) -> list[str]:
    return [step["uses"].split("@")[0] for step in step_list if "uses" in step]


def runs(step_list: list[dict[str, Any]]) -> str:
    return "\n".join(step.get("run", "") for step in step_list)


def test_every_workflow_is_well_formed() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["deploy.yml", "links.yml", "tests.yml", "validate.yml"]
    for file in files:
        data = workflow(file.name)
        assert data["name"] and data["on"] and data["jobs"]
        for job in data["jobs"].values():
            assert job["runs-on"] == "ubuntu-latest"
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), step
                if "uses" in step:
                    assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_validate_workflow() -> None:
    data = workflow("validate.yml")
    assert "pull_request" in data["on"]
    job = steps(data, "validate")
    assert uses(job) == ["actions/checkout", "actions/setup-python"]
    assert job[0]["with"]["fetch-depth"] == 0
    assert job[1]["with"]["python-version"] == "3.11"
    script = runs(job)
    assert "python -m pip install -e ." in script
    assert "factcheck validate --format github" in script
    assert 'factcheck validate --format github --base "$BASE_SHA"' in script  # against the published record
    assert "git diff" in script and "--diff-filter=ACMR" in script
    assert "mkdocs build --strict" in script
    assert script.index("factcheck validate") < script.index("mkdocs build --strict")


def test_deploy_workflow() -> None:
    data = workflow("deploy.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    # Only the deploy job may publish: the build runs the plugin on contributors' files (issue 21).
    assert data["permissions"] == {"contents": "read"}
    # The build job reads (configure-pages asks for the Pages address); it never writes.
    assert set(data["jobs"]["build"].get("permissions", {}).values()) <= {"read"}
    assert data["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    build = steps(data, "build")
    assert uses(build) == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                           "actions/cache", "actions/upload-pages-artifact"]
    # Share cards, page bodies and the record's facts come back from the last build (content-addressed).
    assert next(s for s in build if s.get("uses", "").startswith("actions/cache"))["with"]["path"] \
        == ".cache/plugin/factcheck"
    assert build[0]["with"]["fetch-depth"] == 0  # the published record is read from git
    assert data["env"]["FACTCHECK_HISTORY"] == "required"
    assert build[1]["with"]["python-version"] == "3.11"
    assert "python -m pip install -e ." in runs(build)
    assert "mkdocs build --strict" in runs(build)
    site_dir = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag).get(
        "site_dir", "site")
    assert build[-1]["with"]["path"] == site_dir
    assert data["jobs"]["deploy"]["needs"] == "build"
    assert data["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert uses(steps(data, "deploy")) == ["actions/deploy-pages"]


def test_links_workflow() -> None:
    data = workflow("links.yml")
    assert "schedule" in data["on"] and "workflow_dispatch" in data["on"]
    assert data["permissions"] == {"contents": "read", "issues": "write"}
    job = steps(data, "links")
    assert uses(job) == ["actions/checkout", "actions/setup-python"]
    script = runs(job)
    assert "python -m pip install -e ." in script
    assert commands_in(script, "factcheck") == [["links", "--max-age", "0", "--format", "markdown"]]
    # The tool writes the code block (a fence nothing in the report can close); no fence of our own.
    assert "```" not in script
    # The report reaches the issue as a file, never through the shell or an expression.
    assert "--body-file issue.md" in script and "${{" not in script
    assert "gh issue edit" in script and "gh issue create" in script and "gh issue close" in script
    assert script.index("gh issue list") < script.index("gh issue edit")


def test_tests_workflow() -> None:
    """The README's test command on every pull request and push to main, with what it installs."""
    data = workflow("tests.yml")
    assert "pull_request" in data["on"] and data["on"]["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read"}
    job = data["jobs"]["tests"]
    assert job["container"].startswith("python:3.11-")  # Debian's Chromium at /usr/bin/chromium, as root
    assert uses(steps(data, "tests")) == ["actions/checkout"]
    script = runs(steps(data, "tests"))
    assert "chromium" in script and "default-jre-headless" in script and "npm" in script
    assert script.strip().splitlines()[-1] == "make test"
    assert "make test" in (REPO / "README.md").read_text(encoding="utf-8")


class _AnyTag(yaml.SafeLoader):
    pass


_AnyTag.add_constructor(None, lambda loader, node: None)


def commands_in(script: str, program: str) -> list[list[str]]:
    """Every `program ...` command line in a shell script, up to the next shell operator."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        tokens = shlex.split(line, comments=True)
        for i, token in enumerate(tokens):
            if token == program:
                rest = tokens[i + 1:]
                ends = [j for j, t in enumerate(rest) if t in ("|", "||", "&&", ";", ">", ">>")]
                found.append(rest[: ends[0]] if ends else rest)
    return found


def test_workflows_run_real_commands() -> None:
    scripts = "\n".join(runs(steps(workflow(f.name), job))
                        for f in WORKFLOWS.glob("*.yml") for job in workflow(f.name)["jobs"])
    ours = commands_in(scripts, "factcheck")
    assert {args[0] for args in ours} == {"validate", "schema", "links"}
    for args in ours:
        build_parser().parse_args(args)  # exits (fails the test) on an unknown option
    theirs = commands_in(scripts, "mkdocs")
    assert theirs
    for args in theirs:
        # click parses every option before it acts on --help: an unknown one fails.
        check = subprocess.run([sys.executable, "-m", "mkdocs", *args, "--help"], env=ENV,
                               capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr


def git(*args: str, cwd: Path) -> str:
    env = {**ENV, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def test_validate_step_checks_only_the_changed_files(site: Site) -> None:
    """Runs the workflow's own script in a git repository with one pull-request commit."""
    step = next(s for s in steps(workflow("validate.yml"), "validate")
                if "factcheck validate" in s.get("run", ""))
    site.write_claim("old-and-broken.yml", GOOD.replace("misleading", "flase"))
    git("init", "-q", "-b", "main", cwd=site.root)
    git("add", "-A", cwd=site.root)
    git("commit", "-q", "-m", "base", cwd=site.root)
    base = git("rev-parse", "HEAD", cwd=site.root).strip()
    # The step checks the pull request against the published record, where a new check goes
    # out on the day it is merged: the build's day is set near the fixture's `published`.
    env = {**ENV, "BASE_SHA": base, "SOURCE_DATE_EPOCH": "1738368000",  # 2025-02-01
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{ENV.get('PATH', '')}"}

    nothing = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site.root, env=env,
                             capture_output=True, text=True, timeout=120)
    assert (nothing.returncode, nothing.stdout) == (0, "")

    site.write_claim("new-and-broken.yml", GOOD.replace("misleading", "truee"))
    site.write_claim("new-and-fine.yml", GOOD)
    git("add", "-A", cwd=site.root)
    git("commit", "-q", "-m", "pull request", cwd=site.root)
    changed = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site.root, env=env,
                             capture_output=True, text=True, timeout=120)
    assert changed.returncode != 0
    lines = changed.stdout.splitlines()
    assert lines[0].startswith("::error file=claims/new-and-broken.yml,line=3,col=10,")
    assert lines[1:] == ["1 problem in 1 file (2 claim files checked)"]


# --- pre-commit hook --------------------------------------------------------------------


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "factcheck-validate"
    assert hook["entry"] == "factcheck validate"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    for name in ("claims/a.yml", "claims/a.yaml", "claims/2025/a.yml"):
        assert files.search(name), name
    for name in ("docs/a.yml", "claims/a.md", "mkdocs.yml", "xclaims/a.yml"):
        assert not files.search(name), name


def test_pre_commit_entry_exits_0_on_good_and_1_on_bad(site: Site) -> None:
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    program, *args = shlex.split(hook["entry"])
    script = Path(sys.executable).parent / program  # the console script pip installed
    assert script.is_file()
    site.write_claim("good.yml", GOOD)
    site.write_claim("bad.yml", GOOD.replace("misleading", "flase"))

    def entry(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *args, *files], cwd=site.root, env=ENV,
                              capture_output=True, text=True, timeout=120)

    assert entry("claims/good.yml").returncode == 0
    bad = entry("claims/good.yml", "claims/bad.yml")
    assert bad.returncode == 1
    assert bad.stdout.startswith("claims/bad.yml:3:10: unknown verdict 'flase'")


# --- the command table ---------------------------------------------------------------


def _modules_loaded_by(argv: list[str]) -> set[str]:
    """Our modules (and MkDocs') that `factcheck ARGV` imports, in a fresh interpreter."""
    probe = ("import sys\nfrom mkdocs_factcheck.cli import main\n"
             f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
             "print(' '.join(m for m in sys.modules if m.startswith(('mkdocs_factcheck.', 'mkdocs.'))))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=ENV)
    return set(out.stdout.split())


def test_help_lists_every_command_of_the_table_and_imports_none() -> None:
    proc = subprocess.run([*FACTCHECK, "--help"], capture_output=True, text=True, env=ENV, check=True)
    for name, command in COMMANDS.items():
        assert re.search(rf"^    {name} +{re.escape(command.summary)}$", proc.stdout, re.M), name
    loaded = _modules_loaded_by(["--help"])
    assert not {m for m in loaded if m.startswith(("mkdocs_factcheck.cli.", "mkdocs_factcheck.tools.", "mkdocs."))}


def test_a_command_imports_its_own_module_only() -> None:
    loaded = _modules_loaded_by(["schema", "--help"])
    assert "mkdocs_factcheck.cli.schema" in loaded
    others = {f"mkdocs_factcheck.cli.{c.module}" for name, c in COMMANDS.items() if name != "schema"}
    assert not loaded & others
    assert not loaded & {"mkdocs_factcheck.tools.linkcheck", "mkdocs_factcheck.generate"}


def test_every_command_module_gives_a_description_its_options_and_a_run() -> None:
    parser = build_parser()  # imports them all
    assert parser.parse_args(["init", "site"]).config_file is None  # init reads no site
    for name, command in COMMANDS.items():
        module = command.load()
        assert module.DESCRIPTION and callable(module.add_arguments) and callable(module.run), name
        args = parser.parse_args([name, *(["x"] if name in ("new", "init", "import") else [])])
        assert args.run is module.run, name
