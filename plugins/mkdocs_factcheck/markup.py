"""Contributor Markdown in, inert HTML out.

Markdown fields (``summary``, ``analysis``, a quote's ``text``) come from
strangers' pull requests. Python-Markdown turns them into HTML (raw HTML
included), then nh3 keeps only an allowlist: ordinary Markdown output stays
(paragraphs, headings, lists, emphasis, links, code, tables, blockquotes);
scripts, event handlers, styles, frames, forms, SVG/MathML and every URL
scheme but http, https and mailto go. nh3 runs last, on the final HTML, so
nothing Markdown does (or is tricked into doing) can get past it.

Two more guards keep hostile text from breaking the build rather than the page:
Python-Markdown recurses on nested lists and quotes (a thousand ``- `` markers
exceed Python's recursion limit), and some inputs take quadratic time or worse
(a run of 4,000 ``[`` took 7 s, 1,000 ``<![CDATA[`` 8 s). Text that would
recurse too deeply or whose estimated work is over budget is shown as plain,
escaped paragraphs instead of Markdown: readable, inert and deterministic.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

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

# Work budget of complexity_problem, in units of roughly a nanosecond of rendering
# (measured on the slowest inputs found): a tenth of a second plus 10 µs a character.
WORK_ALLOWANCE = 100_000_000
WORK_PER_CHAR = 10_000
# A line that ends a paragraph and makes Python-Markdown split the block and search the
# rest again: a heading, a setext underline or rule, a code fence.
_SPLITTING_LINE = re.compile(r"^ {0,3}(?:#|[-=]+[ \t]*$|(?:[-*_][ \t]*){3,}$|```|~~~)", re.MULTILINE)
# A line that starts a list item, a quote or a table row: its inline text is its own,
# and every marker it opens with ("> > - x") is one more level to pass through.
_ITEM_LINE = re.compile(r"^[ \t]*(?:(?:[-+*>|]|\d{1,9}[.)])[ \t]*)+")
_INLINE_MARK = re.compile(r"[*_`&!\[<\\]")  # may start an inline match that rebuilds the text
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)  # every level of it is one more pass
_OPENERS = {"[": "]", "<": ">", "(": ")"}
_BRACKETS = re.compile(r"[\[\]<>()]")
_BLOCKS = re.compile(r"\n[ \t]*\n")
# Characters HTML and XML forbid or that Python-Markdown uses as its own placeholders.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_BROWSER_IGNORED = re.compile("[\t\n\r]")


class _HeadingFloor(Treeprocessor):
    """`#`, `##` and `###` become h3, `####` h4 and so on: never above our h2 sections."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = f"h{TOP_HEADING_LEVEL}"


class _ContributorMarkdown(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_HeadingFloor(md), "factcheck_heading_floor", 5)


class MarkdownRenderer:
    """Renders Markdown fields; one instance per build (Python-Markdown is reusable)."""

    def __init__(self) -> None:
        self._md = self._new_markdown()

    @staticmethod
    def _new_markdown() -> markdown.Markdown:
        return markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", _ContributorMarkdown()],
            output_format="html",
        )

    def render(self, text: str) -> Markup:
        if not text:
            return Markup("")
        text = _CONTROL.sub("", text)
        if complexity_problem(text):
            return Markup(plain_paragraphs(text))
        try:
            source = self._md.reset().convert(text)
        except RecursionError:
            self._md = self._new_markdown()  # its state is unknown after the unwinding
            return Markup(plain_paragraphs(text))
        return Markup(sanitize(source))


def complexity_problem(text: str) -> str:
    """Why rendering ``text`` as Markdown could take too long, or '' when it can't.

    A linear-time estimate, not a parser, of where Python-Markdown's time goes. Per
    block (text between blank lines): a pass over the block for every heading, rule
    or fence line in it (weight 30), every list, quote or table marker and every
    level of indentation (weight 1); per stretch of inline text, a rebuild of it for
    every inline mark (weight 2); and from every ``[``, ``<`` or ``(`` a scan to its
    closing bracket, or to the block's end when there is none (weight 300).
    Ordinary writing stays far below the budget (a 2,000-item list of links, 157 KB,
    is under it); a validator may show the message as an error.
    """
    work = 0
    for block in _BLOCKS.split(text):
        passes = (30 * len(_SPLITTING_LINE.findall(block))
                  + sum(len(indent.expandtabs(4)) // 4 for indent in _INDENT.findall(block)))
        inline = 0
        stretch = marks = 0
        for line in block.split("\n"):
            item = _ITEM_LINE.match(line)
            if item:
                passes += len(item.group().split())
                inline += stretch * marks
                stretch = marks = 0
            stretch += len(line) + 1
            marks += len(_INLINE_MARK.findall(line))
        inline += stretch * marks
        work += len(block) * passes + 2 * inline + 300 * _scan_length(block)
    budget = WORK_ALLOWANCE + WORK_PER_CHAR * len(text)
    if work <= budget:
        return ""
    return ("the Markdown is too intricate to render safely (long paragraphs packed with "
            "unclosed '[', '<' or '(', or with other markup)")


def _scan_length(block: str) -> int:
    """Sum, over every opening bracket, of the distance to the next closing one."""
    total = 0
    next_close = dict.fromkeys(_OPENERS.values(), len(block))
    for match in reversed(list(_BRACKETS.finditer(block))):
        char, position = match.group(), match.start()
        if char in _OPENERS:
            total += next_close[_OPENERS[char]] - position
        else:
            next_close[char] = position
    return total


def plain_paragraphs(text: str) -> str:
    """Text shown as it is: escaped, one paragraph per block, line breaks kept."""
    blocks = [block.strip() for block in _BLOCKS.split(_CONTROL.sub("", text))]
    return "".join(
        "<p>" + html.escape(block).replace("\n", "<br>\n") + "</p>" for block in blocks if block
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
    return _CONTROL.sub("", _CLEANER.clean(_CONTROL.sub("", fragment)))


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, for meta descriptions, feeds and search.

    The result is plain text, not HTML: ``<`` in it is a character, so escape it
    wherever it goes into HTML or XML (Jinja autoescape, ``html.escape``, ElementTree).
    """
    text = html.unescape(_TEXT_ONLY.clean(_CONTROL.sub("", fragment)))
    return " ".join(_CONTROL.sub("", text).split())
