"""End-to-end: real `mkdocs build` runs in temp folders, then we read the HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ENV, REPO, claim_yaml, make_site_in, mkdocs

pytestmark = pytest.mark.slow


class TextOf(HTMLParser):
    """Visible text of a page, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def article(html: str) -> str:
    start = html.index('<article class="md-content__inner')
    return html[start : html.index("</article>\n", start)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One site for the tests that only read it."""
    site = make_site_in(tmp_path_factory.mktemp("built"))
    site.write_claim("cost.yml", claim_yaml(
        related=["chips"], updated="2025-02-02",
        corrections=[{"date": "2025-02-02", "note": "Added the hardware estimate."}],
        sources=[{"title": "DeepSeek-V3 Technical Report", "url": "https://arxiv.org/abs/2412.19437",
                  "publisher": "arXiv", "date": "2024-12-27",
                  "archive_url": "https://web.archive.org/web/2025/https://arxiv.org/abs/2412.19437"}]))
    site.write_claim("chips.yml", claim_yaml(
        claim="DeepSeek used only H800 chips.", verdict="unproven", claimant="DeepSeek",
        quotes=[{"expert": "Alexandr Wang", "role": "CEO, Scale AI", "text": "They have more chips.",
                 "stance": "disputes"}],
        tags=["chips"], claim_date="2025-02-01", published="2025-02-01"))
    site.write_claim("sputnik.yml", claim_yaml(
        claim="DeepSeek R1 is AI's Sputnik moment.", claimant="Marc Andreessen", verdict="true",
        quotes=None, tags=["history"], published="2025-01-28"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result


def test_claim_page_shows_everything_a_reader_needs(built) -> None:
    html = built.page("claims/cost/")
    text = TextOf.of(article(html))
    assert "DeepSeek developed its R1 model in two months for under $6 million." in text
    # Labelled, quoted (<q>) and attributed: who, when (a date for people), where.
    assert re.search(r'<h1 id="claim"[^>]*><span class="fc-claim__label">Claim:</span> <q class="fc-claim__text">'
                     r"DeepSeek developed its R1 model in two months for under \$6 million.</q></h1>", html)
    assert "Claimed by DeepSeek , January 20, 2025 , on example.org" in text
    assert "Our verdict: Misleading" in text
    assert "The figure covers the final training run only." in text
    assert "Gavin Baker , Managing partner, Atreides Management Disputes the claim" in text
    assert "DeepSeek-V3 Technical Report , arXiv, December 27, 2024 ( archived copy )" in text
    assert "Related fact checks Unproven DeepSeek said: DeepSeek used only H800 chips." in text
    assert "February 2, 2025 : Added the hardware estimate." in text
    # Byline and the one "Updated" date sit under the verdict, before the analysis.
    byline = "By Test desk Published January 30, 2025 · Updated February 2, 2025"
    assert byline in text
    assert text.index("Our verdict") < text.index(byline) < text.index("Analysis")
    assert "Last changed" not in text
    # Colour is never the only signal: the badge carries an icon and its label.
    badge = re.search(r'<span class="fc-badge[^"]*" data-verdict="misleading"[^>]*>(.*?)</span></span>', html, re.S)
    assert badge and "<svg" in badge.group(1) and "Misleading" in badge.group(1)
    # Names link to their pages.
    assert 'href="../../claimants/deepseek/"' in html
    assert 'href="../../experts/gavin-baker/"' in html
    assert 'href="../../tags/cost/"' in html
    appearance = 'href="https://example.org/appearance" rel="nofollow noopener noreferrer ugc">example.org</a>'
    assert appearance in html


def test_related_shows_on_both_claims(built) -> None:
    assert 'href="../cost/"' in built.page("claims/chips/")


def test_generated_pages_stay_out_of_the_navigation(built) -> None:
    home = built.page("")
    assert "claims/cost/" not in home.split('<div class="md-content"')[0]


def test_scoreboard_counts_verdicts_and_says_claims_are_selected(built) -> None:
    text = TextOf.of(article(built.page("scoreboard/")))
    assert "3 fact checks published" in text
    assert "not a random sample" in text
    for label, count in (("False", 0), ("Misleading", 1), ("True", 1), ("Unproven", 1)):
        assert re.search(rf"{label} {count} \d+%", text), label
    # Claimants ranked by number of checks, verdicts with no checks left out.
    assert re.search(r"DeepSeek Claims: 2 Misleading: 1 Unproven: 1 Marc Andreessen Claims: 1 True: 1", text), text
    assert "False: 0" not in text
    # Checks per month: a picture for the eye, a table for screen readers.
    html = built.page("scoreboard/")
    assert re.search(r'<svg class="fc-months__chart"[^>]*aria-hidden="true"', html)
    assert re.search(r"<caption>Fact checks per month</caption>.*<th scope=\"row\">January 2025</th><td>2</td>"
                     r".*<th scope=\"row\">February 2025</th><td>1</td>", html, re.S)
    # The latest few and a link to the full list, not the whole list again.
    assert "Latest fact checks" in text and 'href="../claims/">All fact checks (3)</a>' in html
    assert 'id="fc-all-claims"' not in html


def test_home_page_markers_are_filled(built) -> None:
    html = built.page("")
    assert "factcheck:latest" not in html
    assert 'href="claims/cost/"' in html


def test_claimant_expert_tag_and_source_pages(built) -> None:
    assert "Marc Andreessen" in built.page("claimants/marc-andreessen/")
    expert = built.page("experts/alexandr-wang/")
    assert "They have more chips." in expert and 'href="../../claims/chips/"' in expert
    assert "DeepSeek used only H800 chips." in built.page("tags/chips/")
    sources = TextOf.of(article(built.page("sources/")))
    # Each source a heading with its publisher and date; the checks citing it below, with badges.
    heading = "DeepSeek-V3 Technical Report arXiv · December 27, 2024 · arxiv.org"
    assert f"{heading} Cited by: Unproven DeepSeek said: DeepSeek used" in sources
    assert re.search(r'<h2 id="source-1" class="fc-source__title"><a class="fc-out" '
                     r'href="https://arxiv.org/abs/2412.19437"', built.page("sources/"))


def test_invalid_claim_fails_a_plain_build_without_traceback(make_site) -> None:
    site = make_site()
    site.write_claim("good.yml", claim_yaml())
    site.write_claim("bad.yml", claim_yaml(verdict="maybe"))
    result = site.build()  # not --strict: still fails
    assert result.returncode != 0
    assert "claims/bad.yml:" in result.output and "unknown verdict 'maybe'" in result.output
    assert "Traceback" not in result.output


def test_custom_scale_drives_badges_and_methodology(make_site) -> None:
    site = make_site(
        plugin_options="""
        scale:
          - {key: wrong, label: Wrong, value: 1, colour: "#aa0000", icon: cross, description: Not so.}
          - {key: right, label: Right, value: 2, colour: "#00aa00", icon: check, description: So.}
        """,
        pages={"index.md": "# Home\n\n<!-- factcheck:scale -->\n"},
    )
    site.write_claim("a.yml", claim_yaml(verdict="right"))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert 'data-verdict="right"' in result.page("claims/a/")
    methodology = TextOf.of(article(result.page("")))
    # Label, meaning and badge for readers: no hex codes, no internal scores.
    assert "Wrong Not so. Right So." in methodology
    assert "#aa0000" not in methodology and "Score" not in methodology
    assert "Misleading" not in result.page("scoreboard/")


def test_claim_with_a_verdict_outside_a_custom_scale_is_an_error(make_site) -> None:
    site = make_site(plugin_options="""
        scale:
          - {key: wrong, label: Wrong, value: 1, colour: "#aa0000"}
        """)
    site.write_claim("a.yml", claim_yaml(verdict="misleading"))
    result = site.build()
    assert result.returncode != 0 and "write one of: wrong" in result.output


def test_bad_scale_option_is_reported(make_site) -> None:
    site = make_site(plugin_options="""
        scale:
          - {key: wrong, label: Wrong, value: 1, colour: red}
        """)
    result = site.build()
    assert result.returncode != 0
    assert "plugins.factcheck.scale is invalid: scale[0].colour" in result.output
    assert "Traceback" not in result.output


def test_strings_follow_the_language_and_overrides(make_site) -> None:
    site = make_site(plugin_options="""
        language: es
        strings:
          sources: Documentos
        """)
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    text = TextOf.of(article(result.page("claims/a/")))
    assert "Nuestro veredicto" in text and "Documentos" in text and "Sources" not in text


def test_unknown_string_key_is_reported(make_site) -> None:
    site = make_site(plugin_options="""
        strings:
          sourcez: X
        """)
    result = site.build()
    assert result.returncode != 0 and "unknown string key(s): sourcez" in result.output


def test_page_in_docs_that_clashes_with_a_generated_one(make_site) -> None:
    site = make_site(pages={"index.md": "# Home\n", "scoreboard.md": "# Mine\n"})
    site.write_claim("a.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0 and "scoreboard.md" in result.output


def test_site_can_override_a_template(make_site) -> None:
    site = make_site(config_extra="")
    config = site.root / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (site.root / "overrides" / "factcheck").mkdir(parents=True)
    (site.root / "overrides" / "factcheck" / "tags.html").write_text("<h1>Our topics</h1>\n")
    site.write_claim("a.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert "<h1>Our topics</h1>" in result.page("tags/")


def test_flat_urls_link_correctly(make_site) -> None:
    site = make_site(config_extra="use_directory_urls: false\n")
    site.write_claim("a.yml", claim_yaml(related=["b"]))
    site.write_claim("b.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    page = (result.site / "claims" / "a.html").read_text()
    assert 'href="b.html"' in page and 'href="../claimants/deepseek.html"' in page


def test_repo_site_builds_strict(tmp_path: Path) -> None:
    proc = mkdocs("build", "--strict", "-d", str(tmp_path / "site"), cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    claims = sorted(p.stem for p in (REPO / "claims").glob("*.y*ml"))
    assert len(claims) >= 8
    for claim_id in claims:
        assert (tmp_path / "site" / "claims" / claim_id / "index.html").is_file()


@pytest.mark.skipif(shutil.which("properdocs", path=str(Path(sys.executable).parent)) is None,
                    reason="properdocs is a test dependency; install with pip install -e '.[test]'")
def test_repo_site_builds_with_properdocs(tmp_path: Path) -> None:
    properdocs = str(Path(sys.executable).parent / "properdocs")
    proc = subprocess.run([properdocs, "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "scoreboard" / "index.html").is_file()


def search_docs(result) -> list[dict]:
    return json.loads((result.site / "search" / "search_index.json").read_text())["docs"]


def test_search_indexes_claim_verdict_and_short_answer_only(make_site) -> None:
    site = make_site()
    site.write_claim("a.yml", claim_yaml(analysis="Zanzibar details live here."))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    docs = search_docs(result)
    text = " ".join(d["title"] + " " + d["text"] for d in docs if d["location"].startswith("claims/a/"))
    assert "under $6 million" in text and "Misleading" in text and "final training run only" in text
    # Issue 24: the analysis is indexed now (it was opt-in); quotes still are not.
    assert "Zanzibar" in text and "prior research costs" not in text
    # Long listings repeat claim pages' text and stay out of the index.
    assert not any(d["location"].startswith(("scoreboard/", "claims/#", "sources/")) for d in docs)
    assert not any(d["location"] == "claims/" for d in docs)


def test_search_full_text_option_indexes_the_analysis(make_site) -> None:
    site = make_site(plugin_options="search_full_text: true")
    site.write_claim("a.yml", claim_yaml(analysis="Zanzibar details live here."))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert any("Zanzibar" in d["text"] for d in search_docs(result))


def test_long_claim_lists_are_paginated(make_site) -> None:
    site = make_site(plugin_options="page_size: 2")
    for i in range(5):
        site.write_claim(f"c{i}.yml", claim_yaml(claim=f"Claim number {i}.", claim_date=None,
                                                 published=f"2025-01-0{i + 1}", sources=[
                                                     {"title": f"Report {i}", "url": f"https://example.org/r{i}",
                                                      "publisher": "Example Institute"}]))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    first, third = result.page("claims/"), result.page("claims/page/3/")
    assert "Claim number 4." in first and "Claim number 3." in first and "Claim number 2." not in first
    assert "Claim number 0." in third
    assert '<span aria-current="page">3</span>' in third and 'href="../../"' in third
    # The scoreboard links to the list instead of repeating it.
    scoreboard = result.page("scoreboard/")
    assert 'id="fc-all-claims"' not in scoreboard and "All fact checks (5)" in scoreboard
    directory = json.loads((result.site / "claims-index.json").read_text())
    assert [row[0] for row in directory["claims"]] == ["c4", "c3", "c2", "c1", "c0"]
    assert directory["claims"][0][1] == "claims/c4/"
    # The sources list is paginated the same way, each source on one page, anchors numbered across pages.
    pages = [result.page(url) for url in ("sources/", "sources/page/2/", "sources/page/3/")]
    assert not (result.site / "sources/page/4").exists()
    for number in range(5):
        assert sum(f">Report {number}</a>" in page for page in pages) == 1
    anchors = [anchor for page in pages for anchor in re.findall(r'id="(source-\d+)"', page)]
    assert anchors == [f"source-{n}" for n in range(1, 6)]
    assert '<span aria-current="page">2</span>' in pages[1] and 'href="../../"' in pages[1]
    assert [page.count("fc-page-of") for page in pages] == [0, 1, 1] and "Page 2 of 3</p>" in pages[1]


@pytest.mark.parametrize(("option", "value"), [("page_size", 0), ("max_file_bytes", -1), ("feed_limit", -5)])
def test_numeric_options_below_their_minimum_are_reported(make_site, option: str, value: int) -> None:
    site = make_site(plugin_options=f"{option}: {value}")
    site.write_claim("a.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0
    assert f"plugins.factcheck.{option} is {value}" in result.output and "Traceback" not in result.output


def test_option_of_the_wrong_type_is_reported(make_site) -> None:
    site = make_site(plugin_options="page_size: many")
    site.write_claim("a.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0 and "page_size" in result.output and "Traceback" not in result.output
