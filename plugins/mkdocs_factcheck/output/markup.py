"""Contributor Markdown in, inert HTML out.

Markdown fields (``summary``, ``analysis``, a quote's ``text``) come from
strangers' pull requests. cmark-gfm (GitHub's C implementation of CommonMark,
through ``cmarkgfm``, the engine PyPI uses for untrusted READMEs) turns them into
HTML, with GitHub's tables and strikethrough; then nh3 keeps only an allowlist:
ordinary Markdown output stays (paragraphs, headings, lists, emphasis, links,
code, tables, blockquotes, a few inline tags such as ``<sup>``); scripts, event
handlers, styles, frames, forms, SVG/MathML and every URL scheme but http, https
and mailto go. nh3 runs last, on the final HTML, so nothing Markdown does (or is
tricked into doing) can get past it.

Hostile text must not stall the build either. The work is bounded, not guessed:
cmark-gfm parses in time linear in the text (it is built and fuzzed for that),
and what nh3 will spend is counted on the HTML before nh3 sees it (``tag_work``,
``text_work``; ``tests/test_markup_bounds.py`` holds both counts and the whole
renderer to measured time). Raw HTML over budget is left out (the Markdown
around it still renders); Markdown nested deeper than ``MAX_NESTING`` elements,
or too costly for nh3, is shown as plain, escaped paragraphs: readable, inert
and deterministic.

Citations (``[^3]``, see ``claims.citations``) are made links after nh3, on its output:
the pass reads text only (never inside a tag), keeps code and link text as written, and
writes nothing a contributor chose but the digits of the number it parsed. So the ids
(``cite-3-1``) and classes stay ours: a contributor can write neither (DOM clobbering).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from itertools import accumulate
from typing import Any

import nh3
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from ..claims import citations as citation_rule
from . import commonmark

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "b", "i",
    "a", "code", "pre", "kbd", "blockquote", "q", "cite", "table", "thead", "tbody", "tr",
    "th", "td", "del", "ins", "s", "sup", "sub", "abbr", "dl", "dt", "dd", "mark", "small",
}
# No attribute on any tag but these: no id/name (DOM clobbering), class (theme
# look-alikes), style, on* handlers or the default lang/title generic attributes.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(), "a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with their content (other tags off the allowlist are unwrapped,
# their text kept): text inside these is code, styling or a fallback nobody reads.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "svg", "math", "iframe", "frame", "frameset", "object",
    "embed", "applet", "noscript", "noembed", "noframes", "xmp", "textarea", "select",
    "title", "head",
}
# Contributor links: no ranking credit, no access to our window, no referrer.
CONTRIBUTOR_LINK_REL = "nofollow noopener noreferrer ugc"
# Contributor headings sit under the page's own h2 sections.
TOP_HEADING_LEVEL = 3

# nh3's HTML parser (html5ever) checks the stack of open elements on each tag, so
# its work is at most tokens x depth (tag_work). It also copies a text node whenever
# a "&" or a no-break space is added to it: quadratic in their number per text run
# (text_work). Raw HTML over either budget is left out; Markdown whose text is
# over it is shown as plain text. Each budget is about 0.1 s of nh3's time;
# ordinary writing stays a hundred times below both.
TAG_WORK_BUDGET = 5_000_000
TEXT_WORK_BUDGET = 2_500_000_000
# Deeper Markdown than this (open elements, as in html5ever's stack) is shown as
# plain paragraphs. Ordinary writing stays under 16: a list six levels deep in a
# quote, with a link in bold inside, is 17.
MAX_NESTING = 32
_EXTENSIONS = ["table", "strikethrough"]
_RAW_OMITTED = "<!-- raw HTML omitted -->"  # what cmark writes for raw HTML when it is off
_START_TAG = re.compile(r"<[A-Za-z]")  # what starts a tag for an HTML tokenizer
_CMARK_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)")  # cmark's own tags (it escapes `<` in text and attributes)
_VOID = frozenset({"br", "hr", "img", "input"})
_TOP_HEADINGS = re.compile(r"<(/?)h[12](?=[\s/>])")
_BLOCKS = re.compile(r"\n[ \t]*\n")
# Characters HTML and XML forbid or that a Markdown engine could use as placeholders.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_BROWSER_IGNORED = re.compile("[\t\n\r]")
ENGINE_VERSION = f"cmarkgfm {version('cmarkgfm')}"


class MarkdownRenderer:
    """Renders Markdown fields (CommonMark with GitHub's tables and strikethrough)."""

    def render(self, text: str) -> Markup:
        if not text:
            return Markup("")
        text = _CONTROL.sub("", text)
        html = _commonmark(text, raw_html=False)
        if _plain_reason(html):
            return Markup(plain_paragraphs(text))
        if _RAW_OMITTED in html:
            with_raw = _commonmark(text, raw_html=True)
            if tag_work(with_raw) <= TAG_WORK_BUDGET and text_work(with_raw) <= TEXT_WORK_BUDGET:
                html = with_raw
        return Markup(sanitize(_TOP_HEADINGS.sub(rf"<\1h{TOP_HEADING_LEVEL}", html)))


def _commonmark(text: str, *, raw_html: bool) -> str:
    html = commonmark.to_html(text, unsafe=raw_html, extensions=_EXTENSIONS)
    return html.rstrip("\n")  # cmark ends every block with a newline, the pages don't want it


def nesting(cmark_html: str) -> int:
    """How deep elements nest in cmark's own output (no raw HTML: every tag is closed)."""
    steps = [-1 if closing else 1 for closing, name in _CMARK_TAG.findall(cmark_html) if name not in _VOID]
    return max(accumulate(steps), default=0)


def tag_work(fragment: str) -> int:
    """An upper bound of html5ever's stack work on any HTML: tokens x the deepest stack.

    Each element on the stack comes from a start tag, or is one implied by it (tbody
    and tr for a stray td) or a copy of a formatting element it opened: at most
    three per start tag. Tokens are tags, and text runs between them.
    """
    start_tags = len(_START_TAG.findall(fragment))
    tokens = 2 * fragment.count("<") + 1
    return tokens * (3 * start_tags + 3)


def text_work(fragment: str) -> int:
    """Sum over text runs (split at every '<') of the square of their '&' and no-break spaces."""
    return sum((run.count("&") + run.count("\xa0")) ** 2
               for run in fragment.split("<") if "&" in run or "\xa0" in run)


def _plain_reason(cmark_html: str) -> str:
    if nesting(cmark_html) > MAX_NESTING:
        return (f"the Markdown nests more than {MAX_NESTING} levels deep (lists, quotes or "
                "emphasis inside one another) and is shown as plain text; flatten it")
    if text_work(cmark_html) > TEXT_WORK_BUDGET:
        return ("a paragraph holds tens of thousands of '&' or no-break spaces and is shown as "
                "plain text; split it")
    return ""


def complexity_problem(text: str) -> str:
    """Why ``text`` is shown as plain paragraphs rather than Markdown, or '' when it isn't."""
    return _plain_reason(_commonmark(_CONTROL.sub("", text), raw_html=False))


def plain_paragraphs(text: str) -> str:
    """Text shown as it is: escaped, one paragraph per block, line breaks kept."""
    blocks = [block.strip() for block in _BLOCKS.split(_CONTROL.sub("", text))]
    return "".join(
        "<p>" + inert_braces(html.escape(block)).replace("\n", "<br>\n") + "</p>" for block in blocks if block
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # nh3 has already applied URL_SCHEMES; this second look reads the URL the way a
    # browser does (tabs and newlines ignored, leading controls and spaces trimmed).
    if attribute in ("href", "src", "cite", "action", "formaction"):
        probe = _BROWSER_IGNORED.sub("", value).lstrip("".join(map(chr, range(33))))
        scheme = _SCHEME.match(probe)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=URL_SCHEMES,
    link_rel=CONTRIBUTOR_LINK_REL,
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags=DROPPED_WITH_CONTENT, strip_comments=True)


def sanitize(fragment: str) -> str:
    """An HTML fragment cut down to the allowlist: safe to put in a page as it is."""
    # Again afterwards: nh3 decodes character references such as &#1; into characters.
    return inert_braces(_CONTROL.sub("", _CLEANER.clean(_CONTROL.sub("", fragment))))


# Other plugins substitute `{{ ... }}` and `{% ... %}` in pages (mkdocs-blogging-plugin in the
# whole finished page, mkdocs-macros in Markdown): braces in contributor text are written as
# character references, which readers see as braces and no template syntax matches.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def inert_braces(html_text: str) -> str:
    """HTML (text or a quoted attribute value, not a script) with its braces as character references."""
    return html_text.translate(_BRACES)


@pass_eval_context
def inert_value(eval_ctx: EvalContext, value: Any) -> Any:
    """A value a template prints, escaped as autoescape would and with its braces as character
    references; HTML we made (``Markup``) is already both, numbers and None print as they are.
    Jinja calls this for every value printed (millions in a large build). The common case, a
    plain string without braces, is given back as it is where autoescape escapes it next (Jinja
    prints ``escape(finalize(value))``): escaping it here too made a second Markup of each.
    Where a template turned autoescape off, it is escaped here all the same."""
    if value.__class__ is str and eval_ctx.autoescape and "{" not in value and "}" not in value:
        return value
    if value.__class__ is not str and (isinstance(value, Markup) or value is None or isinstance(value, int | float)):
        return value
    escaped = escape(value)  # honours __html__, as autoescape does
    if "{" in escaped or "}" in escaped:
        return Markup(str.translate(escaped, _BRACES))
    return escaped


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, for meta descriptions, feeds and search.

    The result is plain text, not HTML: ``<`` in it is a character, so escape it
    wherever it goes into HTML or XML (Jinja autoescape, ``html.escape``, ElementTree).
    """
    if "<" not in fragment and "&" not in fragment and "\ufeff" not in fragment:  # the text as it is
        return " ".join(_CONTROL.sub("", fragment).split())
    text = html.unescape(_TEXT_ONLY.clean(_CONTROL.sub("", fragment)))
    return " ".join(_CONTROL.sub("", text).split())


@dataclass
class PageCitations:
    """The citations of one page (its summary, then its analysis), numbered per source in
    the order a reader meets them: ``cite-3-2`` is the second citation of source 3."""

    sources: int  # how many the check lists
    label: str = "Source"  # read by screen readers before the number
    uses: dict[int, int] = field(default_factory=dict)  # source number -> citations so far

    def link(self, number: int) -> str:
        self.uses[number] = count = self.uses.get(number, 0) + 1
        label = inert_braces(html.escape(self.label))
        return (f'<sup class="fc-cite"><a href="#source-{number}" id="cite-{number}-{count}">'
                f'<span class="fc-sr">{label} </span>{number}</a></sup>')


def cite(fragment: str, citations: PageCitations) -> Markup:
    """Sanitised HTML with each citation of a listed source a link to it (and the target of
    its back link); code, link text and numbers the check does not list stay as written."""
    if "[^" not in fragment:
        return Markup(fragment)
    parts: list[str] = []
    last = 0
    for found in citation_rule.scan(fragment):
        if found.cites and 1 <= found.number <= citations.sources:
            parts += [fragment[last:found.start], citations.link(found.number)]
            last = found.end
    return Markup("".join([*parts, fragment[last:]]))


def uncite(fragment: str) -> Markup:
    """Sanitised HTML without its citations (and the spaces before them), for text read away
    from the page's source list: feeds, meta descriptions, search results."""
    if "[^" not in fragment:
        return Markup(fragment)
    parts: list[str] = []
    last = 0
    for found in citation_rule.scan(fragment):
        if found.cites:
            parts.append(fragment[last:found.start].rstrip(" \t"))
            last = found.end
    return Markup("".join([*parts, fragment[last:]]))
