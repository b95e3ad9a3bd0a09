"""The published record (record.py, history.py): real git repositories whose commits backdate,
rewrite, delete and flip, checked by `factcheck validate` (in process) and `mkdocs build`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import claim_yaml, make_site_in
from mkdocs_factcheck.cli import main

FIX = {"date": "2025-02-10", "note": "New figures changed the verdict from misleading to false."}


class Repo:
    """A site in a git repository; each commit is dated (author and committer) as asked."""

    def __init__(self, root: Path, plugin_options: str = "") -> None:
        self.site = make_site_in(root, config_extra="repo_url: https://github.com/example/checks\n",
                                 plugin_options=plugin_options)
        self.root = root
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, day: str = "2025-02-03") -> str:
        stamp = f"{day}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True,
                              text=True).stdout

    def commit(self, day: str, message: str = "change", **files: str | None) -> None:
        for name, text in files.items():
            path = self.site.claims / f"{name}.yml"
            if text is None:
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
        self.git("add", "-A", day=day)
        self.git("commit", "-qm", message, day=day)

    def write(self, name: str, text: str) -> None:
        (self.site.claims / f"{name}.yml").write_text(text, encoding="utf-8")

    def validate(self, capsys: Any, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
        monkeypatch.chdir(self.root)
        code = main(["validate", *args])
        out = capsys.readouterr()
        return code, out.out + out.err


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    repo.commit("2025-01-30", "publish", a=claim_yaml())
    return repo


def record_errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.endswith("[record]")]


def test_the_published_record_as_it_stands_is_clean(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 0, output
    assert record_errors(output) == []


@pytest.mark.parametrize("published", ["2024-10-01", "2025-01-01"])
def test_backdating_published_is_refused(repo: Repo, published: str, capsys: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=claim_yaml(published=published))
    code, output = repo.validate(capsys, monkeypatch)
    errors = record_errors(output)
    assert code == 1 and len(errors) == 1, output
    assert errors[0].startswith("claims/a.yml:21:12: published") and "first went out (2025-01-30" in errors[0]
    assert "write `published: 2025-01-30`" in errors[0]


def test_moving_published_forward_is_refused_and_keeps_the_history(repo: Repo, capsys: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Moving `published` past a verdict change used to erase the change from the page."""
    repo.commit("2025-02-10", a=claim_yaml(verdict="false", corrections=[FIX], updated="2025-02-10"))
    repo.commit("2025-03-01", a=claim_yaml(verdict="false", corrections=[FIX], updated="2025-02-10",
                                           published="2025-02-20"))
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1
    assert any("published 2025-02-20 is after the day this check first went out (2025-01-30" in e
               for e in record_errors(output)), output


def test_a_published_check_first_committed_long_after_its_date_is_backdated(tmp_path: Path, capsys: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path)
    repo.commit("2025-06-01", a=claim_yaml(published="2025-01-30"))
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1 and "123 days before this check first went out (2025-06-02" not in output
    assert any("days before this check first went out (2025-06-01" in e for e in record_errors(output)), output
    # A desk that migrated an archive says so once; its old dates stand.
    migrated = Repo(tmp_path / "migrated", plugin_options="record_starts: 2025-06-01")
    migrated.commit("2025-06-01", a=claim_yaml(published="2025-01-30"))
    code, output = migrated.validate(capsys, monkeypatch)
    assert code == 0, output


def test_a_few_days_between_writing_and_merging_are_not_backdating(tmp_path: Path, capsys: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path)
    repo.commit("2025-02-04", a=claim_yaml(published="2025-01-30"))  # written Thursday, merged Tuesday
    assert repo.validate(capsys, monkeypatch)[0] == 0


@pytest.mark.parametrize("how", ["reworded", "removed", "redated"])
def test_a_published_correction_cannot_be_rewritten_or_dropped(repo: Repo, how: str, capsys: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first = {"date": "2025-02-05", "note": "Added the SemiAnalysis estimate."}
    repo.commit("2025-02-05", a=claim_yaml(corrections=[first], updated="2025-02-05"))
    changed = {"reworded": [{**first, "note": "Added an estimate."}], "removed": [],
               "redated": [{**first, "date": "2025-02-06"}]}[how]
    repo.commit("2025-02-07", a=claim_yaml(corrections=changed, updated="2025-02-07"))
    code, output = repo.validate(capsys, monkeypatch)
    errors = record_errors(output)
    assert code == 1 and len(errors) == 1, output
    assert "the correction of 2025-02-05 ('Added the SemiAnalysis estimate.') was published" in errors[0]
    assert "restore it word for word" in errors[0]


def test_corrections_may_be_added(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = {"date": "2025-02-05", "note": "Added the SemiAnalysis estimate."}
    repo.commit("2025-02-05", a=claim_yaml(corrections=[first], updated="2025-02-05"))
    second = {"date": "2025-02-07", "note": "The estimate's date was wrong; fixed."}
    repo.commit("2025-02-07", a=claim_yaml(corrections=[first, second], updated="2025-02-07"))
    assert repo.validate(capsys, monkeypatch)[0] == 0


def test_a_verdict_flip_needs_a_correction(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=claim_yaml(verdict="false"))
    code, output = repo.validate(capsys, monkeypatch)
    errors = record_errors(output)
    assert code == 1 and len(errors) == 1 and "the verdict changed on 2025-02-10 with no correction" in errors[0]
    assert errors[0].startswith("claims/a.yml:5:10:")
    # A correction from before the change does not explain it; one written for it does.
    repo.commit("2025-02-11", a=claim_yaml(verdict="false", corrections=[FIX], updated="2025-02-11"))
    assert repo.validate(capsys, monkeypatch)[0] == 0


def test_an_uncommitted_flip_needs_a_correction_too(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("a", claim_yaml(verdict="true"))
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1 and any("with no correction saying so" in e for e in record_errors(output)), output


def test_deleting_a_published_check_is_refused_and_withdrawing_is_the_way(repo: Repo, capsys: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=None)
    code, output = repo.validate(capsys, monkeypatch)
    errors = record_errors(output)
    assert code == 1 and len(errors) == 1, output
    assert errors[0].startswith("claims/a.yml:0:0: the check 'a' was published on 2025-01-30 and its file is gone")
    assert "status: withdrawn" in errors[0]
    withdrawn = {"date": "2025-02-11", "note": "It rated an opinion, not a fact."}
    repo.commit("2025-02-11", a=claim_yaml(status="withdrawn", withdrawn=withdrawn))
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 0, output


def test_renaming_a_published_check_is_a_deletion(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=None, b=claim_yaml())
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1 and "the check 'a' was published" in output


@pytest.mark.slow
def test_moving_a_check_into_a_folder_keeps_it(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.site.claims / "2025").mkdir()
    (repo.site.claims / "a.yml").rename(repo.site.claims / "2025" / "a.yml")
    repo.git("add", "-A")
    repo.git("commit", "-qm", "move", day="2025-02-10")
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 0, output


@pytest.mark.parametrize("status", ["draft", "review"])
def test_a_published_check_cannot_go_back_to_draft(repo: Repo, status: str, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=claim_yaml(status=status))
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1 and any(f"status {status} would take its page away" in e for e in record_errors(output))


def test_a_withdrawal_stays_withdrawn(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    withdrawn = {"date": "2025-02-11", "note": "It rated an opinion, not a fact."}
    repo.commit("2025-02-11", a=claim_yaml(status="withdrawn", withdrawn=withdrawn))
    repo.commit("2025-02-12", a=claim_yaml())
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 1 and any("a withdrawal stays on the record" in e for e in record_errors(output)), output


@pytest.mark.slow
def test_drafts_and_replaced_embargoes_are_not_the_record(tmp_path: Path, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Verdicts of draft and review versions, and of an embargoed version replaced before it
    went out, are deliberation: no correction is asked for them and no page lists them."""
    repo = Repo(tmp_path)
    repo.commit("2025-01-20", a=claim_yaml(status="draft", verdict="unproven", published="2025-01-28"))
    repo.commit("2025-01-22", a=claim_yaml(status="review", verdict="true", published="2025-01-28"))
    repo.commit("2025-01-24", a=claim_yaml(verdict="mostly-true", published="2025-01-28", reviewed_by=["R. Editor"]))
    repo.commit("2025-01-26", a=claim_yaml(verdict="misleading", published="2025-01-28"))  # before it lifted
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 0, output
    repo.commit("2025-02-10", a=claim_yaml(verdict="false", published="2025-01-28", corrections=[FIX],
                                           updated="2025-02-10"))
    result = repo.site.build("--strict")
    assert result.returncode == 0, result.output
    changes = re.findall(r'<ul class="fc-history">(.*?)</ul>', result.page("claims/a/"), re.S)
    assert len(changes) == 1 and changes[0].count("<li>") == 1, changes
    assert "Misleading → False" in changes[0] and "Unproven" not in changes[0] and "True" not in changes[0]


@pytest.mark.slow
def test_a_pull_request_is_checked_against_its_base(repo: Repo, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate --base`: the base branch's history is the published one; the pull request's
    own commits are not, and its new checks go out when it is merged (today)."""
    repo.git("checkout", "-qb", "pr")
    repo.commit("2025-02-10", a=claim_yaml(verdict="false"), b=claim_yaml(claim="A new claim.", published="2024-06-01"))
    code, output = repo.validate(capsys, monkeypatch, "--base", "main")
    errors = record_errors(output)
    assert code == 1 and len(errors) == 2, output
    assert any(e.startswith("claims/a.yml:5:10: the verdict changed") for e in errors)
    assert any(e.startswith("claims/b.yml:21:12: published 2024-06-01 is") and "goes out when this change is merged"
               in e for e in errors)
    code, output = repo.validate(capsys, monkeypatch, "--base", "no-such-branch")
    assert code == 1 and "git cannot find 'no-such-branch'" in output


@pytest.mark.slow
def test_history_required_without_git_is_an_error(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site_in(tmp_path, plugin_options="history: required")
    site.write_claim("a.yml", claim_yaml())
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    assert "not in a git work tree" in capsys.readouterr().out
    result = site.build()
    assert result.returncode == 1 and "not in a git work tree" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_a_site_outside_git_builds_with_a_note(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert "INFO" in result.output and "not in a git work tree" in result.output


def test_facts_are_cached_by_blob_and_a_damaged_cache_is_read_again(repo: Repo, capsys: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("2025-02-10", a=claim_yaml(verdict="false"))
    first = repo.validate(capsys, monkeypatch)
    cache = repo.root / ".cache" / "plugin" / "factcheck" / "record-facts.json"
    data = json.loads(cache.read_text())
    assert data["format"] == 2 and len(next(iter(data["scales"].values()))) == 2
    cache.write_text("{not json", encoding="utf-8")
    from mkdocs_factcheck.claims import history

    history._facts.clear()  # as a new process would start
    assert repo.validate(capsys, monkeypatch) == first


@pytest.mark.slow
def test_the_record_of_a_real_history_repository(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many commits, a merge of a pull request, a deletion and a withdrawal: one run reports
    every violation, each once."""
    repo = Repo(tmp_path)
    repo.commit("2025-01-30", a=claim_yaml(), b=claim_yaml(claim="B."), c=claim_yaml(claim="C."))
    repo.git("checkout", "-qb", "pr")
    repo.commit("2025-02-02", b=claim_yaml(claim="B.", verdict="true"))  # inside the pull request
    repo.commit("2025-02-03", b=claim_yaml(claim="B.", verdict="false", corrections=[FIX], updated="2025-02-10"))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "pr", day="2025-02-10")
    repo.commit("2025-02-11", a=None, c=claim_yaml(claim="C.", published="2024-01-01"))
    code, output = repo.validate(capsys, monkeypatch)
    errors = record_errors(output)
    assert code == 1 and len(errors) == 2, output
    assert errors[0].startswith("claims/a.yml:0:0:") and errors[1].startswith("claims/c.yml:21:12: published")


@pytest.mark.slow
def test_an_embargo_lifts_in_the_sites_time_zone_for_the_record(tmp_path: Path, capsys: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A New York desk's check dated 2025-02-10 goes out at 05:00 UTC: a version replaced at
    03:00 UTC that day never went out, so its verdict asks for no correction."""
    repo = Repo(tmp_path, plugin_options="timezone: America/New_York")
    repo.commit("2025-02-08", a=claim_yaml(published="2025-02-10", reviewed_by=["R. Editor"], verdict="true"))
    stamp = "2025-02-10T03:00:00+00:00"
    repo.write("a", claim_yaml(published="2025-02-10", reviewed_by=["R. Editor"]))
    repo.git("add", "-A")
    subprocess.run(["git", "commit", "-qm", "before it lifts"], cwd=repo.root, check=True, env={
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    code, output = repo.validate(capsys, monkeypatch)
    assert code == 0, output
    utc = Repo(tmp_path / "utc")  # the same history in a UTC site: the first version was out for 3 hours
    utc.commit("2025-02-08", a=claim_yaml(published="2025-02-10", reviewed_by=["R. Editor"], verdict="true"))
    utc.write("a", claim_yaml(published="2025-02-10", reviewed_by=["R. Editor"]))
    utc.git("add", "-A")
    subprocess.run(["git", "commit", "-qm", "after it lifted"], cwd=utc.root, check=True, env={
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    code, output = utc.validate(capsys, monkeypatch)
    assert code == 1 and "the verdict changed on 2025-02-10 with no correction" in output, output


@pytest.mark.slow
@pytest.mark.parametrize(("option", "fix"), [("history: sometimes", "write one of auto, required, off"),
                                             ("history: [1, 2]", "write one of auto, required, off"),
                                             ("record_starts: soon", "write a date as YYYY-MM-DD"),
                                             ("record_starts: 2025-02-30", "write a date as YYYY-MM-DD")])
def test_bad_record_options_name_mkdocs_yml_and_the_fix(tmp_path: Path, option: str, fix: str, capsys: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site_in(tmp_path, plugin_options=option)
    site.write_claim("a.yml", claim_yaml())
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml: " in err and (fix in err or "cannot read it" in err), err
    if "2025-02-30" in option:
        return  # MkDocs' own YAML loading fails on that date before any plugin runs (a traceback of MkDocs)
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.output
    name = option.split(":")[0]
    # MkDocs checks the option's type itself (a list); our check says what to write.
    assert f"plugins.factcheck.{name}" in result.output or f"option '{name}'" in result.output, result.output
