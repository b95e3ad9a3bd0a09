"""Material's search entries of claim pages, made compact: each analysis after its first block
is indexed as its distinct words (issue 24, a search sized for 10,000 checks).

Material's search worker builds a Lunr index in the reader's browser from every entry of
``search_index.json`` at the first search: it tokenizes each entry's text, keeps the position
of every token (to highlight the matches) and files each distinct term of each entry. The
analyses are most of that text (600 words a check on the benchmark's desk corpus, where they
were 78 % of the index's bytes). A term is found in an entry whether it occurs there once or seven
times, so an analysis entry keeps as text its first block, the paragraph (or list) material
shows as the result's teaser, and the rest goes into an entry field of its own, ``words``:
every token of the rest that the first block does not have, once, in the order they first
occur, as material's worker would split them (``separator``, split at the same tags; the
worker lower-cases them itself). The field is searched with the boost of ``text`` and never
shown, so a match there shows the readable first block, not a list of words.

What a search finds is unchanged: every entry holds the same terms as before, in any field,
so a word of one analysis alone still finds that analysis, and terms required by a query
(``+word``, ``"two words"``) match the same entries. Only the ranking sees fewer occurrences.
Entries a site's configuration makes unsafe to rewrite are left as they are: a ``separator``
Python's ``re`` cannot compile (JavaScript's Unicode property classes, say) or that does not split
at a space, or a site field already named ``words``.

Takes material's search index (its ``entries`` and ``config``) and the locations of the claim
pages' analyses; gives the compact entries, in the same order. Both ways of indexing a claim
page (from its data or its HTML, searchview.py) give the same entries, so the same compact ones.
"""

from __future__ import annotations

import re
from typing import Any

WORDS = "words"  # the entry field the words after an analysis's first block go into
_TAG = re.compile(r"<[^>]*>")  # material's worker reads text between tags (its extract())


def compact_index(index: Any, analyses: set[str]) -> None:
    """Make ``index`` (material's ``SearchIndex``) compact: the entries at ``analyses``
    rewritten as the module says, and the ``words`` field added to its configuration."""
    fields = index.config.get("fields")
    separator = _separator(index.config.get("separator"))
    if separator is None or not isinstance(fields, dict) or not analyses:
        return
    if WORDS not in fields:
        fields[WORDS] = dict(fields.get("text") or {"boost": 1.0})
    elif fields[WORDS] != fields.get("text"):
        return  # the site's own field of that name
    index.entries = [compact_entry(entry, separator) if entry.get("location") in analyses else entry
                     for entry in index.entries]


def compact_entry(entry: dict[str, Any], separator: re.Pattern[str]) -> dict[str, Any]:
    """``entry`` with its text after the first block as its distinct words (a new dict; one
    already made compact, under a dirty rebuild, is given back as it is)."""
    text = entry.get("text")
    if WORDS in entry or not isinstance(text, str):
        return entry
    end = first_block_end(text)
    if end == len(text):
        return entry
    head = text[:end]
    compact: dict[str, Any] = {}
    for key, value in entry.items():
        compact[key] = head if key == "text" else value
        if key == "text":
            seen = {token.lower() for token in _tokens(head, separator)}
            compact[WORDS] = " ".join(new_words(text[end:], separator, seen))
    return compact


def first_block_end(text: str) -> int:
    """Where the first top-level block of ``text`` ends, as material's worker divides an entry's
    text into blocks (its ``extract``: a block ends where the tag opened at depth 0 closes;
    text before that tag is part of it); ``len(text)`` when there is one block."""
    depth, start = 0, 0
    for at, char in enumerate(text):
        if char == "<":
            start = at
        elif char == ">":
            if text.startswith("</", start):
                depth -= 1
                if depth == 0:
                    return at + 1
            elif text[at - 1] != "/":
                depth += 1
            start = at + 1
    return len(text)


def new_words(text: str, separator: re.Pattern[str], seen: set[str]) -> list[str]:
    """The tokens of ``text`` whose lower-case form is not in ``seen`` (nor earlier in ``text``),
    once each, as first written; ``seen`` gets them."""
    words = []
    # Each spelling once, where it first occurs (the first of a lower-case form is one of them).
    for token in dict.fromkeys(_tokens(text, separator)):
        key = token.lower()
        if key not in seen:
            seen.add(key)
            words.append(token)
    return words


def _tokens(text: str, separator: re.Pattern[str]) -> list[str]:
    """The tokens material's worker makes of ``text``, as written (it lower-cases them)."""
    return [token for part in _TAG.split(text) for token in separator.split(part) if token]


def _separator(pattern: Any) -> re.Pattern[str] | None:
    """The site's search ``separator`` (a JavaScript regular expression) for Python, when it
    splits words joined by a space into the same words (so the ``words`` field reads back as
    written), else None."""
    if not isinstance(pattern, str):
        return None
    try:
        separator = re.compile(pattern)
    except re.error:
        return None
    return separator if [t for t in separator.split("one two") if t] == ["one", "two"] else None
