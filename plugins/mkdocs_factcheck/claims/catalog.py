"""Validated claims in, a cross-linked catalog out.

Keeps the checks a build publishes (``editorial.publishable``: no drafts, checks in
review or embargoed checks, unless previewing under ``mkdocs serve``), groups them
by claimant, expert, tag and source publisher (one entity per identity, as ``people``
resolves the spellings: the loader's ``ClaimSet.names``), makes `related` links go both
ways and counts verdicts. Everything here is computed once per
build; renderers only read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from .editorial import Clock, Policy, Stage, clock_at, publishable, stage, withdrawn
from .model import Claim, Quote
from .people import Names, Person, mentions_of, resolve
from .scale import Rating, RatingScale
from .slugs import name_key


@dataclass
class Entity:
    """A claimant or a tag: a name, its slug and its claims, newest first."""

    name: str
    slug: str
    claims: list[Claim] = field(default_factory=list)
    person: Person | None = None  # the people.yml entry, when the registry lists them


@dataclass
class Expert:
    name: str
    slug: str
    roles: list[str] = field(default_factory=list)
    quotes: list[tuple[Claim, Quote]] = field(default_factory=list)
    person: Person | None = None


@dataclass
class CitedSource:
    """One source URL and the claims that cite it."""

    url: str
    title: str
    publisher: str
    cited_by: list[Claim] = field(default_factory=list)
    date: date | None = None


@dataclass
class Tally:
    """How many claims got each rating, in scale order."""

    counts: list[tuple[Rating, int]]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    def nonzero(self) -> list[tuple[Rating, int]]:
        return [(rating, count) for rating, count in self.counts if count]


@dataclass(frozen=True)
class LogEntry:
    """One line of the corrections log: a correction, a verdict change or a withdrawal."""

    date: date
    kind: str  # "correction", "verdict_change" or "withdrawal"
    claim: Claim
    note: str = ""
    before: str = ""  # verdict keys, for a verdict change
    after: str = ""


@dataclass
class Catalog:
    scale: RatingScale
    claims: list[Claim]  # newest first
    by_id: dict[str, Claim]
    claimants: dict[str, Entity]
    experts: dict[str, Expert]
    tags: dict[str, Entity]
    sources: dict[str, list[CitedSource]]  # by publisher, sorted
    related: dict[str, list[Claim]]
    claimant_of: dict[str, str]  # claim id -> claimant slug
    expert_slug: dict[str, str]  # name key -> slug
    tag_slug: dict[str, str]  # name key -> slug
    previews: dict[str, Stage] = field(default_factory=dict)  # claim id -> stage, unpublished ones (serve)
    withdrawn: list[Claim] = field(default_factory=list)  # withdrawn checks: a page each, in no count
    log: list[LogEntry] = field(default_factory=list)  # the corrections log, newest first (see ``log_entries``)
    zone: tzinfo = UTC  # the site's time zone: when a check dated by day went out (the feed says)
    names: Names = field(default_factory=Names)  # who is who (and people.yml, for ClaimReview's sameAs)

    def tally(self, claims: Iterable[Claim] | None = None) -> Tally:
        counts = Counter(claim.verdict for claim in (self.claims if claims is None else claims))
        return Tally([(rating, counts.get(rating.key, 0)) for rating in self.scale])

    def rating(self, claim: Claim) -> Rating:
        return self.scale[claim.verdict]

    def shown(self, kind: str, name: str) -> str:
        """A claimant's, expert's or tag's name as its page shows it, however this check writes it."""
        return self.names.shown(kind, name)

    def byline(self, name: str) -> str:
        """An author's name as people.yml writes it (as written, without a registry)."""
        person = self.names.registry.find(name) if self.names.registry else None
        return person.name if person else name


def newest_first(claims: Iterable[Claim]) -> list[Claim]:
    return sorted(claims, key=lambda c: (c.published, c.last_changed, c.id), reverse=True)


def build_catalog(claims: Iterable[Claim], scale: RatingScale, *, preview: bool = False,
                  today: Clock | datetime | date | None = None, names: Names | None = None) -> Catalog:
    """The published checks at ``today`` (the build's clock by default: editorial.Clock); with
    ``preview``, every check, the unpublished ones listed in ``previews`` for their pages' banner.
    ``names``: who is who, as the loader resolved it (else resolved here, without a registry)."""
    clock = clock_at(today) if today is not None else Policy().clock()
    previews: dict[str, Stage]
    claims = list(claims)
    gone = withdrawn(claims, clock)
    if preview:
        previews = {c.id: s for c in claims if (s := stage(c, clock)) != "published"}
    else:
        claims, previews = publishable(claims, clock), {}
    gone_ids = {claim.id for claim in gone}
    ordered = newest_first(c for c in claims if c.id not in gone_ids)
    by_id = {claim.id: claim for claim in ordered}
    if names is None:
        names = resolve(mention for claim in ordered for mention in mentions_of(claim))[0]

    claimants, claimant_slugs = _group(ordered, lambda c: [c.claimant], "claimant", names)
    tags, tag_slugs = _group(ordered, lambda c: c.tags, "tag", names)
    experts, expert_slugs = _experts(ordered, names)
    return Catalog(
        scale=scale,
        claims=ordered,
        by_id=by_id,
        claimants=claimants,
        experts=experts,
        tags=tags,
        sources=_sources(ordered),
        related=_related(ordered, by_id),
        claimant_of={c.id: claimant_slugs[name_key(c.claimant)] for c in ordered},
        expert_slug=expert_slugs,
        tag_slug=tag_slugs,
        previews={key: value for key, value in previews.items() if key not in gone_ids},
        withdrawn=gone,
        zone=clock.zone,
        names=names,
    )


def log_entries(catalog: Catalog, changes: Mapping[str, Iterable[tuple[date, str, str]]]) -> list[LogEntry]:
    """Every correction, verdict change (``changes``: claim id -> (date, before, after), from
    history) and withdrawal of the published and withdrawn checks, newest first."""
    entries = []
    for claim in [*catalog.claims, *catalog.withdrawn]:
        entries += [LogEntry(c.date, "correction", claim, c.note) for c in claim.corrections]
        entries += [LogEntry(day, "verdict_change", claim, before=b, after=a)
                    for day, b, a in changes.get(claim.id, ())]
        if claim.withdrawn is not None:
            entries.append(LogEntry(claim.withdrawn.date, "withdrawal", claim, claim.withdrawn.note))
    order = {"withdrawal": 0, "verdict_change": 1, "correction": 2}
    return sorted(entries, key=lambda e: (-e.date.toordinal(), order[e.kind], e.claim.id, e.note))


def _group(claims: list[Claim], names_of: Callable[[Claim], Iterable[str]], kind: str,
           names: Names) -> tuple[dict[str, Entity], dict[str, str]]:
    """Entities by slug, and the slug of each spelling's name key (for templates)."""
    entities: dict[str, Entity] = {}
    slugs: dict[str, str] = {}
    for claim in claims:
        for name in names_of(claim):
            slug = slugs.setdefault(name_key(name), names.slug(kind, name))
            entity = entities.get(slug)
            if entity is None:
                entity = entities[slug] = Entity(names.shown(kind, name), slug, person=names.person(kind, name))
            if not entity.claims or entity.claims[-1] is not claim:  # a name written twice in one check
                entity.claims.append(claim)
    return dict(sorted(entities.items(), key=lambda kv: kv[1].name.casefold())), slugs


def _experts(claims: list[Claim], names: Names) -> tuple[dict[str, Expert], dict[str, str]]:
    experts: dict[str, Expert] = {}
    slugs: dict[str, str] = {}
    roles: dict[str, dict[str, None]] = {}  # in order, each once
    for claim in claims:
        for quote in claim.quotes:
            slug = slugs.setdefault(name_key(quote.expert), names.slug("expert", quote.expert))
            if slug not in experts:
                experts[slug] = Expert(names.shown("expert", quote.expert), slug,
                                       person=names.person("expert", quote.expert))
                roles[slug] = {}
            experts[slug].quotes.append((claim, quote))
            if quote.role:
                roles[slug][quote.role] = None
    for slug, expert in experts.items():
        expert.roles = list(roles[slug])
    return dict(sorted(experts.items(), key=lambda kv: kv[1].name.casefold())), slugs


def _sources(claims: list[Claim]) -> dict[str, list[CitedSource]]:
    """Sources by URL, each with the claims citing it: one pass, so that thousands of files
    citing the same URLs cost no more than as many different ones."""
    by_url: dict[str, CitedSource] = {}
    citing: dict[str, dict[str, Claim]] = {}  # url -> claim id -> claim, in order
    for claim in claims:
        claim_id = claim.id
        for source in claim.sources:
            if source.url not in by_url:
                by_url[source.url] = CitedSource(source.url, source.title, source.publisher or "Other sources",
                                                 date=source.date)
                citing[source.url] = {}
            citing[source.url].setdefault(claim_id, claim)
    for url, cited in by_url.items():
        cited.cited_by = list(citing[url].values())
    grouped: dict[str, list[CitedSource]] = {}
    for cited in sorted(by_url.values(), key=lambda s: (s.publisher.casefold(), s.title.casefold())):
        grouped.setdefault(cited.publisher, []).append(cited)
    return grouped


def _related(claims: list[Claim], by_id: dict[str, Claim]) -> dict[str, list[Claim]]:
    links: dict[str, dict[str, None]] = {claim.id: {} for claim in claims}
    for claim in claims:
        for other in claim.related:
            if other in by_id:
                links[claim.id][other] = None
                links[other][claim.id] = None
    return {cid: [by_id[o] for o in others] for cid, others in links.items()}
