"""Inline citations (issue 24): `[^N]` in a summary or analysis cites the check's Nth source.

Loading: a citation to a source the check does not list is an error at its line and column,
every one in one run; code is not a citation. Editorial: the same document listed twice is a
`duplicate-source` warning naming both lines. Rendering: a superscript link to the source,
the source linking back to each citation, ids unique per page, hostile text inert, and the
built page valid HTML.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ENV, REPO, claim_yaml, make_site_in
from mkdocs_factcheck.claims import citations
from mkdocs_factcheck.claims.editorial import Policy, document_address
from mkdocs_factcheck.claims.loader import ClaimLoader
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.output.markup import MarkdownRenderer, PageCitations, cite, uncite

SOURCES = [{"title": f"Source {n}", "url": f"https://example.org/{n}"} for n in (1, 2, 3)]
BAD = """\
claim: The model was cheap.
claimant: Someone
verdict: misleading
summary: Cheap by one count [^4], says the second source.[^2]
analysis: |
  ### What was said

  The first report [^1] and a missing one [^7], then `code [^9]`.

      an indented code block [^8]

  ```
  a fenced block [^6]
  ```

  And [^0] at the end.
sources:
  - title: A
    url: https://example.org/a
  - title: B
    url: https://example.org/b
published: 2025-02-01
"""


def load(root: Path, **options: object) -> tuple[list[str], list[str]]:
    claim_set = ClaimLoader(DEFAULT_SCALE, policy=Policy.from_options(**options)).load(root / "claims", root)
    return [str(e) for e in claim_set.errors], [str(w) for w in claim_set.warnings]


def write(root: Path, name: str, text: str) -> Path:
    (root / "claims").mkdir(parents=True, exist_ok=True)
    path = root / "claims" / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Loading: citations to missing sources ----------------------------------------------------


def test_every_citation_to_a_missing_source_is_located_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "cheap.yml", BAD)
    errors, _ = load(tmp_path)
    where = [re.match(r"claims/cheap\.yml:(\d+):(\d+): (\w+) cites source (\d+)", e) for e in errors]
    assert all(where), errors
    assert [(int(m[1]), int(m[2]), m[3], int(m[4])) for m in where if m] == [
        (4, 29, "summary", 4), (8, 43, "analysis", 7), (16, 7, "analysis", 0)]
    assert "1 to 2" in errors[0] and "numbered from 1" in errors[2]


def test_a_file_with_a_bad_citation_is_not_published(tmp_path: Path) -> None:
    write(tmp_path, "cheap.yml", BAD)
    claim_set = ClaimLoader(DEFAULT_SCALE).load(tmp_path / "claims", tmp_path)
    assert claim_set.claims == {} and not claim_set.ok


def test_citations_in_range_and_in_code_are_no_error(tmp_path: Path) -> None:
    write(tmp_path, "fine.yml", claim_yaml(
        summary="Cited twice.[^1][^1]", sources=SOURCES,
        analysis="See [^3] and [^2].\n\nLiteral: `[^9]` and\n\n```\n[^12]\n```\n\n    [^5] too.\n"))
    errors, _ = load(tmp_path)
    assert errors == []


def test_positions_in_quoted_and_folded_text(tmp_path: Path) -> None:
    write(tmp_path, "quoted.yml", claim_yaml(summary="placeholder").replace(
        "summary: placeholder", 'summary: "Wörds first, then [^5]"'))
    folded = claim_yaml().replace("analysis: Longer *analysis* here.",
                                  "analysis: >-\n  A folded line,\n  and then [^3] here.")
    write(tmp_path, "folded.yml", folded)
    errors, _ = load(tmp_path)
    line = next(n for n, text in enumerate(folded.splitlines(), 1) if "[^3]" in text)
    assert f"claims/folded.yml:{line}:12: analysis cites source 3" in "\n".join(errors)
    quoted = (tmp_path / "claims" / "quoted.yml").read_text(encoding="utf-8").splitlines()
    qline = next(n for n, text in enumerate(quoted, 1) if "[^5]" in text)
    assert f"claims/quoted.yml:{qline}:29: summary cites source 5" in "\n".join(errors)


def test_a_footnote_definition_is_an_error(tmp_path: Path) -> None:
    """GitHub's footnote syntax would vanish here and make every [^1] an outside link."""
    write(tmp_path, "noted.yml", claim_yaml(analysis="Text [^1].\n\n[^1]: https://example.org/elsewhere\n"))
    errors, _ = load(tmp_path)
    assert len(errors) == 1 and "link definition" in errors[0], errors
    assert re.match(r"claims/noted\.yml:\d+:\d+: ", errors[0])


def test_validate_reports_them_like_every_loader_error(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("cheap.yml", BAD)
    proc = subprocess.run([sys.executable, "-m", "mkdocs_factcheck", "validate", "--format", "json"],
                          cwd=site.root, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    problems = report["errors"] if isinstance(report, dict) else report
    cited = [(p["line"], p["column"]) for p in problems if "cites source" in p["message"]]
    assert cited == [(4, 29), (8, 43), (16, 7)]
    assert all(p["hint"] for p in problems)


def test_the_rule_reads_markdown_as_the_renderer_does() -> None:
    found = citations.in_markdown("a [^1] `[^2]` [b [^3]](https://x.org)\n\n    [^4]\n")
    assert [(f.number, f.cites) for f in found] == [(1, True), (2, False), (3, False), (4, False)]


# --- Duplicate sources ---------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "again"), [
    ("https://example.org/a", "https://EXAMPLE.org/a/"),
    ("https://example.org/a?id=3", "https://example.org/a?id=3&utm_source=feed#part-2"),
    ("https://example.org/", "https://example.org:443"),
    ("https://example.org/a?fbclid=1", "https://example.org/a"),
])
def test_the_same_document_written_another_way(first: str, again: str) -> None:
    assert document_address(first) == document_address(again)


@pytest.mark.parametrize(("one", "other"), [
    ("https://example.org/a", "https://example.org/b"),
    ("https://example.org/a?id=3", "https://example.org/a?id=4"),
    ("https://example.org/A", "https://example.org/a"),  # paths are case-sensitive
    ("http://example.org:8080/a", "http://example.org/a"),
])
def test_different_documents_stay_apart(one: str, other: str) -> None:
    assert document_address(one) != document_address(other)


def test_a_source_listed_twice_is_a_warning_naming_both_lines(tmp_path: Path) -> None:
    text = claim_yaml(sources=[*SOURCES, {"title": "Again", "url": "https://Example.org/2/?utm_medium=x"}])
    write(tmp_path, "twice.yml", text)
    _, warnings = load(tmp_path)
    found = [w for w in warnings if w.endswith("[duplicate-source]")]
    lines = text.splitlines()
    first = next(n for n, t in enumerate(lines, 1) if t.strip() == "url: https://example.org/2")
    again = next(n for n, t in enumerate(lines, 1) if "utm_medium" in t)
    assert len(found) == 1, warnings
    assert found[0].startswith(f"claims/twice.yml:{again}:")
    assert f"source 4 has the same address as source 2 (line {first})" in found[0]
    errors, _ = load(tmp_path, warnings_as_errors=["duplicate-source"])
    assert any("[duplicate-source]" in e for e in errors)


def test_this_sites_checks_list_no_source_twice() -> None:
    _, warnings = load(REPO)
    assert not [w for w in warnings if "[duplicate-source]" in w]
    for path in (REPO / "claims").glob("*.yml"):
        sources = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        addresses = Counter(document_address(s["url"]) for s in sources)
        assert max(addresses.values()) == 1, path.name


# --- Rendering -----------------------------------------------------------------------------


def rendered(text: str, sources: int = 3, citations_of_page: PageCitations | None = None) -> str:
    return str(cite(MarkdownRenderer().render(text), citations_of_page or PageCitations(sources)))


def test_a_citation_links_to_its_source_with_words_for_screen_readers() -> None:
    page = PageCitations(3, "Source")
    html = rendered("As reported.[^2]", citations_of_page=page)
    assert html == ('<p>As reported.<sup class="fc-cite"><a href="#source-2" id="cite-2-1">'
                    '<span class="fc-sr">Source </span>2</a></sup></p>')
    assert page.uses == {2: 1}


def test_citations_of_one_source_are_numbered_across_summary_and_analysis() -> None:
    page = PageCitations(3)
    renderer = MarkdownRenderer()
    summary = str(cite(renderer.render("First [^3]."), page))
    analysis = str(cite(renderer.render("Then [^3] and [^1], and [^3] again."), page))
    ids = re.findall(r'id="([^"]+)"', summary + analysis)
    assert ids == ["cite-3-1", "cite-3-2", "cite-1-1", "cite-3-3"]
    assert page.uses == {3: 3, 1: 1}


@pytest.mark.parametrize("text", [
    "`[^1]`", "```\n[^1]\n```", "    [^1]", "<code>[^1]</code>", "<kbd>[^1]</kbd>",
    "[see [^1]](https://example.org)", '<abbr title="a>[^1]">x</abbr>',
])
def test_code_link_text_and_attributes_are_not_citations(text: str) -> None:
    html = rendered(text)
    assert "fc-cite" not in html and "[^1]" in html


@pytest.mark.parametrize("text", [
    '<a id="cite-1-1" href="#source-1">[^1]</a>',
    '<sup class="fc-cite" id="source-1">x</sup> [^1]',
    '<script>document.write("[^1]")</script>[^1]',
    '<img src=x onerror=alert(1)>[^1]',
    '[^1]<style>a{}</style>" onmouseover="alert(1)',
])
def test_hostile_text_around_citations_stays_inert(text: str) -> None:
    html = rendered(text)
    assert re.findall(r'\bid="([^"]*)"', html) in ([], ["cite-1-1"])
    assert "<script" not in html and "onerror" not in html and "<style" not in html
    assert not re.search(r"<[^>]*\bonmouseover", html)
    assert "class=" not in html.replace('class="fc-cite"', "").replace('class="fc-sr"', "")


def test_numbers_the_check_does_not_list_stay_text() -> None:
    assert rendered("[^4] and [^0]", sources=3) == "<p>[^4] and [^0]</p>"


def test_text_away_from_the_page_drops_citations() -> None:
    html = MarkdownRenderer().render("Cheap by one count [^2], not `[^2]`.[^1]")
    assert str(uncite(html)) == "<p>Cheap by one count, not <code>[^2]</code>.</p>"


# --- A built site ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site_in(tmp_path_factory.mktemp("cited"), config_extra="site_url: https://checks.example.org/\n")
    site.write_claim("cited.yml", claim_yaml(
        summary="By its own account.[^1]", sources=SOURCES,
        analysis="### What was said\n\nThe report [^1] and the filing [^3].\n\nAgain [^1], in `[^2]` code.\n"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result.site


def page_of(site: Path) -> str:
    return (site / "claims" / "cited" / "index.html").read_text(encoding="utf-8")


def test_built_page_links_both_ways_with_unique_ids(built: Path) -> None:
    page = page_of(built)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    for name in ("cite-1-1", "cite-1-2", "cite-1-3", "cite-3-1"):
        assert f'href="#{name}"' in page and f'id="{name}"' in page, name
    assert re.findall(r'<a href="(#source-\d)" id="cite-', page) == ["#source-1"] * 2 + ["#source-3", "#source-1"]
    source_two = re.search(r'<li id="source-2">(.*?)</li>', page, re.S)
    assert source_two and "fc-backref" not in source_two.group(1)
    assert 'aria-label="Back to the text, citation 3"' in page


def test_feed_and_description_carry_no_citation(built: Path) -> None:
    page = page_of(built)
    description = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert description and description.group(1) == "By its own account."
    feed = (built / "feed.xml").read_text(encoding="utf-8")
    assert "[^1]" not in feed and "#source-" not in feed and "By its own account." in feed


def test_built_page_is_valid_html(built: Path) -> None:
    from test_markup_valid import VNU

    java = shutil.which("java")
    if not VNU.is_file() or not java:  # the lead's checkout has node_modules; a worktree may not
        pytest.fail("the Nu Html Checker needs node_modules (make browser-deps) and java")
    proc = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--errors-only",
                           str(built / "claims" / "cited" / "index.html")], capture_output=True, text=True,
                          timeout=300)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    from test_markup_valid import _ignored

    assert [m for m in messages if not _ignored(m)] == []
