"""The catalog in, machine-readable outputs out: Atom feed, JSON and CSV exports."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from xml.etree import ElementTree as ET

from ..claims import urls
from ..claims.catalog import Catalog
from ..claims.model import Claim
from .markup import uncite
from .render import ClaimHtml, Renderer

ATOM = "http://www.w3.org/2005/Atom"
EXPORT_VERSION = 1
FEED_LIMIT = 50
# Spreadsheet programs run a cell that starts with one of these as a formula, and a
# spreadsheet set to another list separator (`;` in German or Spanish, tab, `|`) may
# split a cell there and read what follows as a cell of its own.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AFTER_SEPARATOR = re.compile(r"([,;\t|\r\n]\s*)(?=[=+\-@])")


def site_files(catalog: Catalog, renderer: Renderer, *, feed_limit: int = FEED_LIMIT) -> dict[str, str]:
    """Every file besides pages, by its path in the site: assets, feed and exports."""
    site, directory_urls = renderer.site, renderer.site.use_directory_urls
    return {
        urls.STYLESHEET: renderer.asset("factcheck.css"),
        urls.SCRIPT: renderer.asset("factcheck.js"),
        urls.FEED: atom_feed(catalog, title=f"{site.name}: {renderer.strings['feed_title']}", site_url=site.url,
                             use_directory_urls=directory_urls, html_of=renderer.claim_html,
                             author=site.organization, limit=feed_limit,
                             withdrawn_label=renderer.strings["withdrawn"]),
        urls.CORRECTIONS_FEED: corrections_feed(catalog, title=f"{site.name}: {renderer.strings['corrections_log']}",
                                                site_url=site.url, use_directory_urls=directory_urls,
                                                author=site.organization, strings=renderer.strings, limit=feed_limit),
        urls.CLAIMS_DIRECTORY: claims_directory(catalog, use_directory_urls=directory_urls),
        urls.EXPORT_JSON: json_export(catalog, site_url=site.url, use_directory_urls=directory_urls),
        urls.EXPORT_CSV: csv_export(catalog, site_url=site.url, use_directory_urls=directory_urls,
                                    html_of=renderer.claim_html),
    }


def _timestamp(moment: datetime) -> str:
    """RFC 3339, as Atom wants: the instant with its offset (a check dated by day: midnight in
    the site's time zone, when it went out)."""
    return moment.isoformat().replace("+00:00", "Z")


def _changed(claim: Claim, zone: tzinfo) -> datetime:
    """Its last change: a withdrawal is one (at midnight of its day in the site's zone)."""
    changed = claim.changed_at(zone)
    return max(changed, datetime.combine(claim.withdrawn.date, time(0), zone)) if claim.withdrawn else changed


def atom_feed(catalog: Catalog, *, title: str, site_url: str, use_directory_urls: bool,
              html_of: Any, author: str, limit: int = FEED_LIMIT, withdrawn_label: str = "Withdrawn") -> str:
    """Atom 1.0, newest first. Text goes in as text: ElementTree escapes it."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    home = urls.absolute_url(site_url, "")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = home if site_url else f"urn:factcheck:{title}"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=home)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                  href=urls.absolute_url(site_url, urls.FEED))
    # Withdrawn checks stay in the feed, marked, dated by their withdrawal: readers who saw them learn it.
    claims = sorted([*catalog.claims, *catalog.withdrawn],
                    key=lambda c: (c.release(catalog.zone), _changed(c, catalog.zone), c.id), reverse=True)[:limit]
    newest = max((_changed(c, catalog.zone) for c in claims),
                 default=datetime.combine(date(1970, 1, 1), time(0, 0), tzinfo=UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _timestamp(newest)
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    for claim in claims:
        rating = catalog.rating(claim)
        link = urls.absolute_url(site_url, urls.page_url(urls.claim_src(claim.id), use_directory_urls))
        html: ClaimHtml = html_of(claim)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        label = f"{withdrawn_label} ({rating.label})" if claim.withdrawn else rating.label
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{label}: {claim.claim}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link if site_url else f"urn:factcheck:claim:{claim.id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _timestamp(claim.release(catalog.zone))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(_changed(claim, catalog.zone))
        ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = (
            claim.author or author)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=claim.verdict, label=rating.label)
        if claim.withdrawn:
            ET.SubElement(entry, f"{{{ATOM}}}category", term="withdrawn", label=withdrawn_label)
        for tag in claim.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=tag)
        # Sanitised HTML, carried as escaped text: feed readers show it, never run it.
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="html").text = str(uncite(html.summary))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def corrections_feed(catalog: Catalog, *, title: str, site_url: str, use_directory_urls: bool, author: str,
                     strings: dict[str, str], limit: int = FEED_LIMIT) -> str:
    """The corrections log as Atom 1.0, newest first: one entry per correction, verdict change
    or withdrawal, each linking to its check."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    log_url = urls.absolute_url(site_url, urls.page_url(urls.CORRECTIONS_LOG, use_directory_urls))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = log_url if site_url else f"urn:factcheck:{title}"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=log_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                  href=urls.absolute_url(site_url, urls.CORRECTIONS_FEED))
    entries = catalog.log[:limit]
    newest = max((e.date for e in entries), default=date(1970, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _timestamp(datetime.combine(newest, time(0), catalog.zone))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    for index, item in enumerate(entries):
        link = urls.absolute_url(site_url, urls.page_url(urls.claim_src(item.claim.id), use_directory_urls))
        what = (f"{catalog.scale[item.before].label} → {catalog.scale[item.after].label}"
                if item.kind == "verdict_change" else item.note)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{strings['log_' + item.kind]}: {item.claim.claim}"
        # Stable across builds: the check, the kind and the day, and which of that day's it is.
        same_day = sum(1 for other in entries[:index] if (other.claim.id, other.kind, other.date)
                       == (item.claim.id, item.kind, item.date))
        key = f"{item.claim.id}:{item.kind}:{item.date.isoformat()}:{same_day}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{link}#{key}" if site_url else f"urn:factcheck:log:{key}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _timestamp(datetime.combine(item.date, time(0), catalog.zone))
        ET.SubElement(entry, f"{{{ATOM}}}category", term=item.kind)
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = what
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def claim_record(claim: Claim, url: str, catalog: Catalog) -> dict[str, Any]:
    data = claim.model_dump(mode="json", exclude_none=True)
    rating = catalog.rating(claim)
    return {"id": claim.id, "url": url, **data, "verdict_label": rating.label,
            "rating_value": rating.value}


def json_export(catalog: Catalog, *, site_url: str, use_directory_urls: bool) -> str:
    """Every published claim's validated data plus its page URL. Shape: see README."""
    def records(claims: list[Claim]) -> list[dict[str, Any]]:
        return [claim_record(c, urls.absolute_url(site_url, urls.page_url(urls.claim_src(c.id), use_directory_urls)),
                             catalog) for c in claims]

    claims = records(catalog.claims)
    # Withdrawn checks stay in the export, apart: `claims` is every current rating, as ever.
    withdrawn = records(catalog.withdrawn)
    document = {
        "version": EXPORT_VERSION,
        "scale": [r.model_dump() for r in catalog.scale],
        "count": len(claims),
        "claims": claims,
        "withdrawn": withdrawn,
    }
    return _record_per_line(document)


def _record_per_line(document: dict[str, Any]) -> str:
    """``document`` as JSON with each key, and each record of a list, on a line of its own:
    readable in a diff, and written by the C encoder (``indent`` makes json use Python's,
    a second at 10,000 claims)."""
    def value(item: Any) -> str:
        if isinstance(item, list) and item:
            return "[\n  " + ",\n  ".join(json.dumps(entry, ensure_ascii=False) for entry in item) + "\n ]"
        return json.dumps(item, ensure_ascii=False)

    lines = [f" {json.dumps(key, ensure_ascii=False)}: {value(item)}" for key, item in document.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def claims_directory(catalog: Catalog, *, use_directory_urls: bool) -> str:
    """A compact list for the in-browser filter of a paginated claims list: a few fields per
    claim, URLs relative to the site root, so it stays small at tens of thousands of claims."""
    rows = [[c.id, urls.page_url(urls.claim_src(c.id), use_directory_urls), c.claim, c.claimant, c.verdict,
             catalog.rating(c).label, c.published.isoformat()] for c in catalog.claims]
    return json.dumps({"version": EXPORT_VERSION,
                       "fields": ["id", "path", "claim", "claimant", "verdict", "label", "published"],
                       "claims": rows}, ensure_ascii=False, separators=(",", ":"))


CSV_COLUMNS = ["id", "url", "claim", "claimant", "claim_date", "verdict", "verdict_label",
               "summary", "published", "updated", "author", "tags", "sources"]


def csv_export(catalog: Catalog, *, site_url: str, use_directory_urls: bool, html_of: Any) -> str:
    out = io.StringIO()
    # Every cell quoted: a separator inside a text never starts a new cell.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for claim in catalog.claims:
        url = urls.absolute_url(site_url, urls.page_url(urls.claim_src(claim.id), use_directory_urls))
        row = [claim.id, url, claim.claim, claim.claimant,
               claim.claim_date.isoformat() if claim.claim_date else "", claim.verdict,
               catalog.rating(claim).label, html_of(claim).summary_text, claim.published.isoformat(),
               claim.updated.isoformat() if claim.updated else "", claim.author or "",
               "; ".join(claim.tags), " ".join(s.url for s in claim.sources)]
        writer.writerow([_inert_cell(cell) for cell in row])
    return out.getvalue()


def _inert_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP CSV injection): a `'`
    before a formula character at the start and after any list separator."""
    value = _AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
