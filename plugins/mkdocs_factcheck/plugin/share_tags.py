"""One set of share tags per page: ours replace the Open Graph / Twitter tags others added.

Material's ``social`` plugin (and some themes) write ``og:*`` and ``twitter:*`` meta tags of
their own; a page with two ``og:title`` values shows either one when shared. Where we write a
tag, theirs of that name (and its sub-properties, ``og:image`` -> ``og:image:width``) go;
their tags we do not write (e.g. a social card's ``og:image``) stay.
"""

from __future__ import annotations

import re

_META = re.compile(r"""<meta\s[^>]*?(?:property|name)\s*=\s*["']((?:og|twitter):[^"']+)["'][^>]*>\s*""", re.I)


def names(head: str) -> set[str]:
    """The share-tag names ('og:title', 'twitter:card', ...) a head fragment writes."""
    return {match.group(1).lower() for match in _META.finditer(head)}


def placed(page: str, head: str) -> str:
    """The page with ``head`` at the end of its <head>, others' share tags that ``head`` writes
    removed. One new string whatever the page's length: a listing of thousands of sources is
    tens of MiB, and each copy made on the way would count in the build's peak memory."""
    end = page.find("</head>")
    if end < 0:
        return page
    before = page[:end]  # the head, small: only it is reworked
    return page.replace(before, without(before, names(head)) + head, 1)  # found at once, at 0


def without(page: str, replaced: set[str]) -> str:
    """The page with others' share tags named in `replaced` removed from its <head>."""
    if not replaced:
        return page
    end = page.find("</head>")
    if end < 0:
        end = len(page)  # the head alone

    def keep(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        gone = name in replaced or any(name.startswith(ours + ":") for ours in replaced)
        return "" if gone else match.group(0)

    return _META.sub(keep, page[:end]) + page[end:]
