"""The part of a page's HTML that a search index reads, for indexers that parse it all.

Material's search plugin parses each page's whole HTML, then drops the sections
whose heading (a heading with an ``id``) carries ``data-search-exclude``; such a
section runs to the next heading with an id. Claim pages exclude everything after
the verdict and summary (the analysis, quotes, sources ...) unless
``search_full_text`` is on, yet parsing it was most of the indexer's time. When
every heading with an id from some point on is excluded, nothing after that point
reaches the index, so the indexer may be given the page without it: the same index.
Contributor Markdown cannot add a heading with an id (nh3 removes ``id``).
"""

from __future__ import annotations

import re

_ID_HEADING = re.compile(r"<h[1-6]\b[^>]*\bid=[^>]*>", re.IGNORECASE)


def searchable_part(html: str) -> str:
    """``html`` without the tail a search indexer would parse only to exclude."""
    cut = len(html)
    for heading in reversed(list(_ID_HEADING.finditer(html))):
        if "data-search-exclude" not in heading.group():
            break
        cut = heading.start()
    return html[:cut]
