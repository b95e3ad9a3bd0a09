"""Folder names in reports, logs and issues (issue 21, item 5).

Only file stems used to be checked: a sub-folder of `claims/` named with a newline, a
backtick fence, `::` or an @-mention was read like any other, and its name printed as it
is: it closed the weekly issue's code fence (live mentions and links in a bot-written
issue) and started workflow commands in the job log. Now a folder is named as ids are
or it is a located error (and not read), and every command's every format escapes what
it prints: text (errors.printable), GitHub workflow commands (GitHub's escaping on top),
JSON (data), and the links report's Markdown (a fence longer than any run of backticks).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import cmarkgfm
import lxml.html
import pytest
from conftest import ENV, claim_yaml, make_site_in, mkdocs
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_factcheck import cli
from mkdocs_factcheck.base.errors import ClaimError, printable
from mkdocs_factcheck.project.report import format_github, format_text
from mkdocs_factcheck.project.site import read_site
from mkdocs_factcheck.project.validation import validate
from mkdocs_factcheck.tools import desk, linkcheck

# Names a pull request can give a folder on Linux (anything but `/` and NUL).
FOLDERS = [
    "a\nb", "```", "x\n```\n@octocat see evil.example", "::error file=README.md::pwned",
    "@octocat", "%0A::warning::x", "x`y", "a\r::notice::x", "with space", "Upper", "con", "ünï", "a,b:c",
    "x\u2028::error::y", "\x1b[31mred",
]
SUMMARY = re.compile(r"^\d+ (problems? in \d+ files?|claim files? checked)")
# A workflow command as GitHub reads one: properties without raw `:`, `,` or line breaks.
COMMAND = re.compile(r"^::(error|warning|notice) (file=[^:,\r\n]*(,line=\d+,col=\d+)?(,title=[^:,\r\n]*)?)::[^\r\n]*$")


def clean_claim(**fields: object) -> str:
    """A claim with no editorial warning either: every report line is about the folders."""
    return claim_yaml(sources=[{"title": "Report", "url": "https://example.org/report",
                                "archive_url": "https://web.archive.org/web/2025/https://example.org/report"}],
                      quotes=[{"expert": "Gavin Baker", "text": "It leaves out costs.",
                               "source": "https://example.org/quote"}], **fields)


def _unescape_property(value: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("folders")
    make_site_in(root).write_claim("fine.yml", clean_claim())
    for i, name in enumerate(FOLDERS):
        (root / "claims" / name).mkdir()
        (root / "claims" / name / f"claim-{i}.yml").write_text(clean_claim(), encoding="utf-8")
    return root


def _validate(site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
              *args: str) -> tuple[int, str]:
    monkeypatch.chdir(site)
    code = cli.main(["validate", *args])
    return code, capsys.readouterr().out


@pytest.mark.slow
def test_every_folder_not_named_as_an_id_is_a_located_problem(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(site, monkeypatch, capsys, "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert sorted(p["file"] for p in problems) == sorted(f"claims/{name}" for name in FOLDERS)
    assert all("not read" in p["message"] and p["hint"] for p in problems)


@pytest.mark.slow
def test_text_report_gives_each_problem_one_line(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(site, monkeypatch, capsys)
    lines = out.splitlines()
    assert code == 1 and len(lines) == len(FOLDERS) + 1, out
    assert all(line.startswith("claims/") for line in lines[:-1]) and SUMMARY.match(lines[-1])
    assert not any(char in out for char in "\r\x1b\u2028")
    for name in FOLDERS:
        assert sum(line.startswith(f"claims/{printable(name)}:0:0: ") for line in lines) == 1, name


@pytest.mark.slow
def test_github_report_is_one_workflow_command_a_problem(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(site, monkeypatch, capsys, "--format", "github")
    lines = out.splitlines()
    assert code == 1 and len(lines) == len(FOLDERS) + 1 and SUMMARY.match(lines[-1]), out
    files = []
    for line in lines[:-1]:
        match = COMMAND.match(line)
        assert match, line
        files.append(_unescape_property(match.group(2).split(",")[0].removeprefix("file=")))
    assert sorted(files) == sorted(f"claims/{printable(name)}" for name in FOLDERS)


@pytest.mark.slow
def test_a_file_inside_an_unread_folder_is_not_reported_clean(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(site, monkeypatch, capsys, "claims/with space/claim-8.yml")
    assert code == 1 and out.startswith("claims/with space:0:0: this folder is not read"), out
    code, out = _validate(site, monkeypatch, capsys, "claims/fine.yml")
    assert code == 0, out


@pytest.mark.slow
def test_the_build_log_names_each_folder_on_one_escaped_line(site: Path) -> None:
    proc = mkdocs("build", "--strict", cwd=site, env=ENV, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    log = proc.stdout + proc.stderr
    assert not any(line.startswith(("::", "```", "@")) for line in log.splitlines()), log
    assert "\x1b[31m" not in log and "claims/\\x1b[31mred:0:0: this folder is not read" in log
    assert not (site / "site" / "claims").exists()


def _link_report(path: str, detail: str) -> linkcheck.LinkReport:
    citation = linkcheck.Citation(path, 9, 7, "source url", "https://example.org/@octocat/post")
    result = linkcheck.LinkResult(citation.url, "moved", 301, "https://example.org/x", 0.1, detail)
    error = ClaimError(path, 0, 0, "this folder is not read", "rename it")
    return linkcheck.LinkReport([linkcheck.Finding(citation, result)], [error], 1, 1)


HOSTILE_DETAIL = "moved permanently (301) to https://x.example/````\n@octocat\r::error::x\n```\n[link](https://evil.example)"


@pytest.mark.parametrize("name", FOLDERS)
def test_links_reports_escape_folder_names_and_answers(name: str) -> None:
    report = _link_report(f"claims/{name}/claim.yml", HOSTILE_DETAIL)
    text = linkcheck.format_text(report)
    assert len(text) == 3 and all(line.startswith("claims/") for line in text[:2])
    assert not any(char in "".join(text) for char in "\r\n\x1b\u2028")
    for line in linkcheck.format_github(report)[:-1]:
        assert COMMAND.match(line), line
    markdown = "\n".join(linkcheck.format_markdown(report))
    # One code block holding the text report exactly: nothing closed it, nothing is a link or mention.
    page = lxml.html.fromstring(f"<div>{cmarkgfm.github_flavored_markdown_to_html(markdown)}</div>")
    blocks = page.findall(".//pre")
    assert len(blocks) == 1 and len(page) == 1, markdown
    assert blocks[0].text_content().rstrip("\n") == "\n".join(text)
    assert page.findall(".//a") == []


@pytest.mark.slow
def test_status_escapes_ids_authors_and_reviewers(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (site / "claims" / "hostile-author.yml").write_text(
        clean_claim(author="Ann\n::error file=README.md::x", reviewed_by=["Bob\r\n```", "\u2028@octocat"]),
        encoding="utf-8")
    try:
        monkeypatch.chdir(site)
        assert cli.main(["status"]) == 0
        out = capsys.readouterr().out
    finally:
        (site / "claims" / "hostile-author.yml").unlink()
    lines = out.splitlines()
    assert len(lines) == len(FOLDERS) + 2 + 1 + 1, out  # header, fine, hostile-author, the folders, tally
    assert not any(line.startswith(("::", "```", "@")) for line in lines) and "\x1b" not in out
    assert any("Ann\\n::error" in line for line in lines)
    assert desk.format_text([])[-1] == "0 claim files: none"


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40)
       .filter(lambda name: name not in (".", "..")))
def test_any_folder_name_gives_one_escaped_line_in_every_format(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        try:
            (root / "claims" / name).mkdir(parents=True)
        except OSError:  # too long in bytes for this file system
            return
        (root / "claims" / name / "claim-a.yml").write_text(clean_claim(), encoding="utf-8")
        report = validate([], read_site(root / "mkdocs.yml"), root)
    text = format_text(report)
    assert all("\n" not in line and "\r" not in line for line in text)
    for line in text[:-1]:
        assert line.startswith("claims/") and not any(char in line for char in "\x1b\x85\u2028\u2029"), line
    for line in format_github(report)[:-1]:
        assert COMMAND.match(line), line
    markdown = "\n".join(linkcheck.code_block(text))
    page = lxml.html.fromstring(f"<div>{cmarkgfm.github_flavored_markdown_to_html(markdown)}</div>")
    assert len(page) == 1 and len(page.findall(".//pre")) == 1
