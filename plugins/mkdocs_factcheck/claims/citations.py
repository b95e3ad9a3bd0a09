"""Inline citations: ``[^3]`` in a check's summary or analysis cites its third source.

Takes Markdown fields (or the HTML made from them) and gives where each citation is and
which source it names; ``missing`` gives the citations of a claim that name no source
(the loader reports them, located). One rule for the validator and the renderer: a
``[^N]`` is a citation wherever it is prose; inside code (a code span, a code block,
``<kbd>``) or inside a link's text it is literal text. Numbers are 1-based positions in
``sources:``.

The rule is read on HTML (cmark-gfm's, the engine the renderer uses): ``scan`` walks an
HTML fragment in which every ``<`` starts a tag and attribute values hold no ``"``, which
is what cmark writes with raw HTML off and what the sanitiser (nh3) writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import cmarkgfm

from .model import Claim

CITATION = re.compile(r"\[\^([0-9]{1,6})\]")
CITED_FIELDS = ("summary", "analysis")
# Elements whose text is not prose: a citation there is shown as written.
LITERAL_IN = frozenset({"code", "pre", "kbd", "samp", "a"})
# A tag, with double-quoted attribute values that may hold '>'; or a citation.
_TOKEN = re.compile(r'<(/?)([A-Za-z][A-Za-z0-9]*)?[^>"]*(?:"[^"]*"[^>"]*)*>|' + CITATION.pattern)
_VOID = frozenset({"br", "hr", "img", "input", "wbr"})


@dataclass(frozen=True)
class Found:
    """One ``[^N]`` in a text: where it is, the number, and whether it cites (prose) or is literal."""

    start: int
    end: int
    number: int
    cites: bool


def scan(html: str) -> Iterator[Found]:
    """Every ``[^N]`` in the text of an HTML fragment (never inside a tag), in order."""
    literal: list[str] = []  # open elements of LITERAL_IN
    for token in _TOKEN.finditer(html):
        if token.group(3) is not None:
            yield Found(token.start(), token.end(), int(token.group(3)), not literal)
            continue
        name = (token.group(2) or "").lower()
        if name not in LITERAL_IN or name in _VOID:
            continue
        if token.group(1):
            if name in literal:
                del literal[len(literal) - 1 - literal[::-1].index(name)]
        elif not token.group(0).endswith("/>"):
            literal.append(name)


def in_markdown(text: str) -> list[Found]:
    """Every ``[^N]`` of a Markdown text, at its offset in the text, marked as the renderer
    will read it (a citation, or literal in code). Where cmark leaves one out or changes it
    (a link destination, a reference definition), every ``[^N]`` counts as a citation."""
    written = list(CITATION.finditer(text))
    if not written:
        return []
    html = str(cmarkgfm.markdown_to_html_with_extensions(text, extensions=["table", "strikethrough"]))
    read = list(scan(html))
    if len(read) != len(written) or any(r.number != int(w.group(1)) for r, w in zip(read, written, strict=False)):
        return [Found(w.start(), w.end(), int(w.group(1)), True) for w in written]
    return [Found(w.start(), w.end(), r.number, r.cites) for w, r in zip(written, read, strict=True)]


# `[^2]: https://...` on a line of its own is a Markdown link definition (GitHub's footnote
# syntax looks the same): it would vanish and turn every [^2] into a link to its address.
_DEFINITION = re.compile(r"^[ >]{0,8}\[\^([0-9]{1,6})\]:", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """A ``[^N]`` the loader reports: in which field, which of its ``[^N]`` (from 0), and why."""

    field: str
    index: int
    found: Found
    definition: bool = False  # a link definition, not a citation to a missing source


def problems(claim: Claim) -> list[Problem]:
    """Citations in the summary or analysis that name no source, and ``[^N]:`` definitions."""
    count = len(claim.sources)
    found: list[Problem] = []
    for field in CITED_FIELDS:
        text: str = getattr(claim, field)
        # Cheap first: only a number out of range, or a definition, needs the Markdown read.
        if "[^" not in text or (all(1 <= int(m.group(1)) <= count for m in CITATION.finditer(text))
                                and not _DEFINITION.search(text)):
            continue
        marks = in_markdown(text)
        defined = {m.start() + m.group(0).index("[") for m in _DEFINITION.finditer(text)}
        for index, mark in enumerate(marks):
            if mark.start in defined:
                found.append(Problem(field, index, mark, definition=True))
            elif mark.cites and not 1 <= mark.number <= count:
                found.append(Problem(field, index, mark))
    return found
