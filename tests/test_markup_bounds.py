"""Issue 10, item 1: no contributor text can stall the build in the Markdown step.

The renderer's work is bounded, not guessed (markup.py): cmark-gfm parses in linear
time, Markdown nested deeper than MAX_NESTING is shown as plain text, and raw HTML
is given to nh3 only while ``tag_work`` (tokens x the deepest stack possible) and
``text_work`` ("&" and no-break spaces per text run, squared) are within budget.
These tests hold that to the renderer's measured CPU time, on the inputs that broke
the earlier guard and on inputs Hypothesis composes from hostile pieces. Times are
compared with ordinary text of the same size measured in the same process, so a
loaded machine slows both sides alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import cache

import attacks
import lxml.html
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mkdocs_factcheck.output.markup import (
    MAX_NESTING,
    TAG_WORK_BUDGET,
    MarkdownRenderer,
    complexity_problem,
    sanitize,
    tag_work,
    text_work,
)

FUZZ = settings(deadline=None, max_examples=40, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SIZE = 64 * 1024
# Measured worst case (1 MiB of "*_", of "a\n=\n"): about 40 times the CPU time of
# ordinary analyses of the same length; the margin absorbs timer and cache noise.
SLOWDOWN_LIMIT = 80
ORDINARY_PARAGRAPH = (
    "The figure covers the **final training run** only, as the [technical report]"
    "(https://example.org/report \"Report\") says; earlier experiments, staff and the "
    "cluster itself are left out. Analysts at *Epoch AI* reached a similar figure.\n\n"
    "- one point with `code`\n- another point\n\n### A heading\n\n> a quote\n\n"
)
HOSTILE_PIECES = (
    "[", "![", "[a](", "](", "<![CDATA[", "<http://", "- ", "> ", "  ", "    - x\n", "*", "_",
    "**", "~~", "`", "``", "\\", "&#", "&", "<", "<div>", "</div>", "<b>", "</i>", "<a href=x>",
    "<table>", "<td>", "<p>", "<!--", "-->", "<?", "|", "| a |\n", "|---|\n", "# ", "\n", "\n\n",
    "a\n=\n", "1. ", "[x]: /u\n", "[x][x]", "<sup>1</sup>", "b" * 300, " ", "&amp;", "\xa0",
    "&nbsp;", "& ",
)


def _cpu(render: Callable[[str], object], text: str) -> float:
    started = time.process_time()
    render(text)
    return time.process_time() - started


@cache
def _ordinary_seconds(size: int) -> float:
    """CPU time to render ordinary writing of ``size`` characters (median of five)."""
    text = (ORDINARY_PARAGRAPH * (size // len(ORDINARY_PARAGRAPH) + 1))[:size]
    renderer = MarkdownRenderer()
    return statistics.median(_cpu(renderer.render, text) for _ in range(5))


def _assert_bounded(text: str) -> str:
    started = time.process_time()
    html = str(MarkdownRenderer().render(text))
    spent = time.process_time() - started
    allowed = SLOWDOWN_LIMIT * _ordinary_seconds(len(text)) + 0.05
    assert spent <= allowed, f"{spent:.3f} s CPU for {len(text)} characters (allowed {allowed:.3f} s)"
    assert not attacks.audit_fragment(html), attacks.audit_fragment(html)
    return html


def test_issue_10_bracket_runs_render_as_markdown_quickly() -> None:
    """787 KB of '[a [b](c) ' runs took 245 s with Python-Markdown under the old guard."""
    text = ("[a [b](c) " + "b" * 300 + " ") * 2529
    html = _assert_bounded(text)
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    assert len(document.findall(".//a")) == 2529  # still Markdown: every link is a link


@pytest.mark.slow
@pytest.mark.parametrize(("atom", "size"), [
    ("*_", 1 << 20), ("&#", 1 << 20), ("\xa0", 1 << 20), ("> ", 1 << 20), ("a\n=\n", 1 << 18),
    ("<b>x</i>", 1 << 18), ("<table>\n\n- a\n\n", 1 << 18), ("<a href=x>", 1 << 18),
], ids=repr)
def test_a_field_of_one_hostile_pattern_is_bounded(atom: str, size: int) -> None:
    """Up to the largest claim file (max_file_bytes, 1 MiB) as one field. The slowest
    pattern found, "*_", renders 1 MiB in about 1 s of CPU (40 times ordinary text)."""
    _assert_bounded((atom * (size // len(atom) + 1))[:size])


@FUZZ
@given(parts=st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=4),
       noise=st.text(max_size=20))
def test_repeated_hostile_pieces_render_in_bounded_time(parts: list[str], noise: str) -> None:
    unit = "".join(parts) + noise
    _assert_bounded((unit * (SIZE // max(len(unit), 1) + 1))[:SIZE])


def _nh3_seconds(fragment: str) -> float:
    return statistics.median(_cpu(sanitize, fragment) for _ in range(3))


@cache
def _nh3_unit_costs() -> tuple[float, float, float]:
    """nh3's CPU seconds per character (ordinary HTML), per unit of tag_work and per
    unit of text_work, each at its worst known shape (unclosed divs: every tag checks
    the whole stack; one text run of no-break spaces)."""
    ordinary = str(MarkdownRenderer().render(ORDINARY_PARAGRAPH * 200))
    per_char = _nh3_seconds(ordinary) / len(ordinary)
    nested = "<div>" * 3000
    per_tag = (_nh3_seconds(nested) - per_char * len(nested)) / tag_work(nested)
    spaces = "\xa0" * 60_000
    per_text = (_nh3_seconds(spaces) - per_char * len(spaces)) / text_work(spaces)
    return per_char, max(per_tag, 0.0), max(per_text, 0.0)


raw_html = st.lists(st.sampled_from([
    "<div>", "</div>", "<b>", "</b>", "<i>", "</i>", "<b class=x>", "<a href=x>", "</a>", "<p>",
    "</p>", "<table>", "<td>", "<tr>", "</table>", "<li>", "<ul>", "<em>", "<sup>", "x", " ",
    "<select>", "<option>", "<svg>", "<h1>", "<pre>", "<template>", "<!--", "-->", "<br>",
    "&amp;", "&", "\xa0", "&nbsp;", "&copy;", '<a title="&amp;&amp;">',
]), min_size=1, max_size=12).map("".join)


@settings(FUZZ, max_examples=25)
@given(unit=raw_html, repeats=st.integers(min_value=50, max_value=600))
def test_work_counts_bound_the_sanitizers_time(unit: str, repeats: int) -> None:
    """The counts the renderer trusts (tag_work, text_work) bound nh3's cost: measured
    time never exceeds the worst-case unit costs times the counts."""
    fragment = unit * repeats
    per_char, per_tag, per_text = _nh3_unit_costs()
    spent = _nh3_seconds(fragment)
    allowed = 3 * (per_char * len(fragment) + per_tag * tag_work(fragment)
                   + per_text * text_work(fragment)) + 0.02
    assert spent <= allowed, f"{spent:.3f} s for {len(fragment)} characters (allowed {allowed:.3f} s)"


def test_raw_html_over_budget_is_left_out_and_the_markdown_kept() -> None:
    small = "Compute: 10<sup>25</sup> FLOP, **bold**."
    assert "<sup>25</sup>" in str(MarkdownRenderer().render(small))
    heavy = "**bold** and [a link](https://example.org/)\n\n" + "<div>" * 5000
    assert tag_work(heavy) > TAG_WORK_BUDGET
    html = str(MarkdownRenderer().render(heavy))
    assert "<strong>bold</strong>" in html and 'href="https://example.org/"' in html
    assert "div" not in html


def test_markdown_nested_too_deep_is_plain_text() -> None:
    deep = "> " * (MAX_NESTING + 1) + "*quoted*"
    assert complexity_problem(deep)
    html = str(MarkdownRenderer().render(deep))
    assert html.startswith("<p>&gt; &gt;") and "<blockquote>" not in html
    ordinary = "".join("  " * level + "- item\n" for level in range(6))
    assert not complexity_problem(ordinary)
    assert str(MarkdownRenderer().render(ordinary)).count("<ul>") == 6


def test_a_paragraph_of_ampersands_is_plain_text() -> None:
    """nh3 copies a text node for every '&' added to it: 500,000 of them took minutes."""
    text = "&" * 500_000
    assert complexity_problem(text)
    assert _assert_bounded(text).startswith("<p>&amp;&amp;")
    assert not complexity_problem("AT&T and P&G, " * 2000)
