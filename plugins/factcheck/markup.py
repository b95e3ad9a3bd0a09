"""Contributor Markdown in, inert HTML out.

Markdown fields come from strangers' pull requests, so the HTML that
Python-Markdown produces (raw HTML included) goes through nh3 with an
allowlist: ordinary Markdown output stays, anything active is dropped.
"""

from __future__ import annotations

import html

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "b", "i",
    "a", "code", "pre", "kbd", "blockquote", "q", "cite", "table", "thead", "tbody", "tr",
    "th", "td", "del", "ins", "s", "sup", "sub", "abbr", "dl", "dt", "dd", "mark", "small",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Contributor links: no ranking credit, no access to our window, no referrer.
CONTRIBUTOR_LINK_REL = "nofollow noopener noreferrer ugc"


class MarkdownRenderer:
    """Renders Markdown fields; one instance per build (Python-Markdown is reusable)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", "toc"],
            # Contributor headings sit under our own h2 sections.
            extension_configs={"toc": {"baselevel": 3, "anchorlink": False, "permalink": False}},
            output_format="html",
        )

    def render(self, text: str) -> Markup:
        if not text:
            return Markup("")
        source = self._md.reset().convert(text)
        return Markup(sanitize(source))


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=CONTRIBUTOR_LINK_REL,
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, for meta descriptions, feeds and search."""
    text = nh3.clean(fragment, tags=set(), strip_comments=True)
    return " ".join(html.unescape(text).split())
