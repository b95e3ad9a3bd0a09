"""What the scoreboard shows, computed once from the catalog: claimants ranked by
their number of checks (with their verdict tallies), and checks per month stacked by
verdict (by when the claim was made). Plain data for the templates; the charts are drawn in HTML/SVG there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..claims.catalog import Catalog, Entity, Tally
from ..claims.scale import Rating


@dataclass(frozen=True)
class Ranked:
    entity: Entity
    tally: Tally


@dataclass(frozen=True)
class Month:
    start: date  # the first day of the month
    tally: Tally


def ranking(catalog: Catalog) -> list[Ranked]:
    """Claimants with the most checks first (ties by name)."""
    ranked = [Ranked(entity, catalog.tally(entity.claims)) for entity in catalog.claimants.values()]
    return sorted(ranked, key=lambda r: (-r.tally.total, r.entity.name.casefold()))


def months(catalog: Catalog) -> list[Month]:
    """Every month from the first claim to the last (empty months too), oldest first: checks
    count in the month the claim was made (its ``claim_date``), else the month we published,
    so checks published together of claims made over months do not bunch into one bar."""
    if not catalog.claims:
        return []
    by_month: dict[date, Counter[str]] = {}
    for claim in catalog.claims:
        by_month.setdefault((claim.claim_date or claim.published).replace(day=1), Counter())[claim.verdict] += 1
    first, last = min(by_month), max(by_month)
    out: list[Month] = []
    current = first
    while current <= last:
        counts = by_month.get(current, Counter())
        out.append(Month(current, Tally([(rating, counts.get(rating.key, 0)) for rating in catalog.scale])))
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def verdicts_in(months: list[Month]) -> list[Rating]:
    """The verdicts that occur in any month, in scale order (the chart's legend and columns)."""
    seen = {rating.key for month in months for rating, _ in month.tally.nonzero()}
    return [rating for rating, _ in months[0].tally.counts if rating.key in seen] if months else []
