"""What material's search indexer is given of our pages, instead of their whole HTML.

Material's search plugin parses each page's content into sections (a section starts at a
heading with an ``id``), keeps the text of some tags, drops elements and sections marked
``data-search-exclude``, and writes one entry per section. Parsing our pages' HTML (share
links, badges, icons, attributes) was most of its time, and most of what it parses it then
drops. So it is handed less, and writes the same entries (tests/test_searchview.py builds a
site both ways and compares the index byte for byte):

- a claim page, from the data we hold (``claim_page_view``): a small document with only what
  the index keeps of claim.html (the claim, who said it, the verdict and short answer, the
  analysis, the sources) in the same nesting, so the parser's sections and its handling of
  whitespace and of contributor HTML are the same;
- any other page: ``searchable_part``, the page without the tail of excluded sections.

A claim page is given whole (``searchable_part``) whenever the data could disagree with the
page: a site's own claim.html or _macros.html, ``search_full_text`` (quotes, related checks,
corrections), a preview or error banner, a page another plugin rewrote. Contributor Markdown
cannot add a heading with an id (nh3 removes ``id``).

Takes a ``SitePlan`` and a ``PageSpec``; gives HTML for the indexer only (never published).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from ..claims.model import Claim
from ..output.pages import PageSpec
from ..plan.siteplan import SitePlan

_ID_HEADING = re.compile(r"<h[1-6]\b[^>]*\bid=[^>]*>", re.IGNORECASE)
CLAIM_TEMPLATE = "claim.html"
_MIRRORED = (CLAIM_TEMPLATE, "_macros.html")  # the templates claim_page_view mirrors


def searchable_part(html: str) -> str:
    """``html`` without the tail a search indexer would parse only to exclude."""
    cut = len(html)
    for heading in reversed(list(_ID_HEADING.finditer(html))):
        if "data-search-exclude" not in heading.group():
            break
        cut = heading.start()
    return html[:cut]


class SearchViews:
    """The view of each page material's search gets, for one plan."""

    def __init__(self, plan: SitePlan, *, full_text: bool) -> None:
        self._plan = plan
        self._from_data = not full_text and not plan.banner and _templates_are_ours(plan)

    def view(self, spec: PageSpec, content: str, *, rewritten: bool) -> str:
        """What the indexer parses of ``spec``'s page, whose HTML is ``content``; ``rewritten``:
        another plugin changed our HTML, so only the page itself says what it holds."""
        found = None if rewritten else self.from_data(spec)
        return searchable_part(content) if found is None else found

    def from_data(self, spec: PageSpec) -> str | None:
        """The view of a claim page made from our data, or None where the page itself is needed."""
        plan = self._plan
        claim = plan.catalog.by_id.get(spec.claim_id) if spec.claim_id else None
        if (self._from_data and claim is not None and spec.template == CLAIM_TEMPLATE
                and not plan.catalog.previews.get(claim.id)):
            return claim_page_view(plan, claim)
        return None


def _templates_are_ours(plan: SitePlan) -> bool:
    """Whether claim pages come from the package's templates (a site may override them)."""
    env = plan.renderer.env
    assert env.loader is not None
    ours = Path(__file__).parents[1] / "templates"
    for name in _MIRRORED:
        filename = env.loader.get_source(env, name)[1]  # where it is found, not compiled: a warm build may not need it
        if filename is None or Path(filename).parent != ours:
            return False
    return True


def claim_page_view(plan: SitePlan, claim: Claim) -> str:
    """claim.html as the search indexer sees it, from the claim: its indexed elements, without
    attributes, excluded elements or excluded sections, with the same tags and whitespace
    around text. Keep in step with claim.html (the byte-for-byte test says when it is not)."""
    renderer, catalog = plan.renderer, plan.catalog
    t = renderer.strings
    date: Callable[[Any], str] = renderer.env.filters["longdate"]
    host: Callable[[str], str] = renderer.env.filters["urlhost"]
    html, cited = renderer.claim_html(claim), renderer.cited_html(claim)
    who = f"{_e(t['claimed_by'])} <a>{_e(catalog.shown('claimant', claim.claimant))}</a>"
    if claim.claim_date:
        who += f", <time>{_e(date(claim.claim_date))}</time>"
    if claim.appearance:
        who += f", {_e(t['said_on'])} " + ", ".join(f"<a>{_e(host(str(url)))}</a>" for url in claim.appearance)
    parts = [
        "<article>\n",
        f'<h1 id="claim"><span>{_e(t["claim"])}:</span> <q>{_e(claim.claim)}</q></h1>\n',
        f"<p>{who}</p>\n\n",
        f'<section>\n  <h2 id="verdict">{_e(t["our_verdict"])}: <span><svg></svg><span>'
        f"{_e(catalog.rating(claim).label)}</span></span></h2>\n"
        f"  <div>{cited.summary}</div>\n</section>\n\n",
    ]
    if html.analysis:
        parts.append(f'<h2 id="analysis">{_e(t["analysis"])}</h2>\n<div>{cited.analysis}</div>\n\n')
    parts.append(f'<h2 id="sources">{_e(t["sources"])}</h2>\n<ol>\n')
    for source in claim.sources:
        item = f"<a>{_e(source.title)}</a>"
        if source.publisher:
            item += f", {_e(source.publisher)}"
        if source.date:
            item += f", <time>{_e(date(source.date))}</time>"
        if source.archive_url:
            item += f" (<a>{_e(t['archived'])}</a>)"
        parts.append(f"  <li>{item}</li>\n")
    parts.append("</ol>\n</article>")
    return "".join(parts)


def _e(text: str) -> str:
    return escape(str(text))
