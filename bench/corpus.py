"""Synthetic, deterministic claims for the benchmark.

One ``SyntheticClaim`` holds everything a claim file holds (CONTRACT section 1).
The same objects are written twice: as YAML claim files for our plugin and as
hand-written-style Markdown pages for plain MkDocs (see ``sites.py``), so both
sites carry the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.slugs import slugify

CLAIMANT_COUNT = 20
EXPERT_COUNT = 300
TAG_COUNT = 50
SHARED_SOURCES = 200

FIRST_NAMES = (
    "Ada", "Amara", "Ana", "Bilal", "Carmen", "Chen", "Dmitri", "Émilie", "Farah", "Gavin",
    "Hana", "Ines", "Jonas", "Kwame", "Lena", "Marta", "Mei", "Nadia", "Olu", "Pablo",
    "Priya", "Rafael", "Sofia", "Tariq", "Ulla", "Victor", "Wen", "Yara", "Zoltán", "Björn",
)
LAST_NAMES = (
    "Abbott", "Baker", "Castillo", "Dubois", "Eriksen", "Fournier", "García", "Hughes",
    "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman", "Vargas", "Weber", "Xu", "Yilmaz",
    "Zhang", "Lindqvist", "Mensah", "Novak", "Pereira",
)
ORGANISATIONS = (
    "Northwind Labs", "Helix AI", "Orbital Compute", "Cobalt Semiconductors", "Meridian Capital",
    "Atlas Cloud", "Lumen Research", "Quanta Systems", "Redwood Institute", "Solstice Media",
)
ROLES = (
    "Professor of computer science", "Chip industry analyst", "Managing partner, venture fund",
    "Former research engineer", "Economist", "Policy fellow", "Data-centre consultant",
    "Investigative reporter", "Machine-learning researcher", "Export-control lawyer",
)
TOPICS = (
    "training cost", "GPU hours", "export controls", "benchmark scores", "inference price",
    "data-centre power", "chip supply", "model size", "open weights", "stock market",
    "energy use", "funding round", "employee count", "token throughput", "safety testing",
)
TAG_WORDS = (
    "cost", "training", "chips", "export-controls", "benchmarks", "pricing", "energy",
    "markets", "open-source", "safety", "regulation", "hardware", "research", "funding",
    "labour", "data", "privacy", "competition", "china", "united-states", "europe", "cloud",
    "startups", "semiconductors", "inference", "reasoning", "evaluation", "compute",
    "copyright", "education", "health", "military", "elections", "climate", "supply-chain",
    "patents", "talent", "latency", "efficiency", "scaling", "distillation", "licensing",
    "transparency", "audits", "investment", "jobs", "productivity", "robotics", "vision",
    "speech",
)
PUBLISHERS = (
    ("arXiv", "arxiv.org"), ("Reuters", "reuters.com"), ("Financial Times", "ft.com"),
    ("Nature", "nature.com"), ("CNBC", "cnbc.com"), ("The Verge", "theverge.com"),
    ("Bloomberg", "bloomberg.com"), ("SEC EDGAR", "sec.gov"), ("Epoch AI", "epoch.ai"),
    ("SemiAnalysis", "semianalysis.com"), ("Associated Press", "apnews.com"),
    ("Le Monde", "lemonde.fr"),
)
VERBS = ("said", "claimed", "told investors", "wrote", "announced", "suggested")
PREDICATES = (
    "fell by {n} percent", "cost less than ${n} million", "doubled within {n} months",
    "reached {n} billion users", "used only {n} thousand chips", "beat rivals on {n} benchmarks",
    "cut prices by {n} percent", "grew {n} times faster than expected",
)
SENTENCES = (
    "The {topic} figure comes from a {doc}, not from an independent audit.",
    "Independent estimates put the {topic} between {n} and {m} percent higher.",
    "The report says the number covers only the final run, which leaves out earlier experiments.",
    "Analysts at {pub} reached a similar figure using public price lists.",
    "Nothing in the filing supports a total of {n} million dollars.",
    "The comparison mixes a rental price with a purchase price, which is not like for like.",
    "A spokesperson confirmed the {topic} estimate but declined to share the underlying data.",
    "Earlier coverage repeated the number without the caveats in the original {doc}.",
    "The {topic} data were revised in {month}, after the claim was made.",
    "Experts we spoke to agree the trend is real, but the size of it is disputed.",
)
DOCS = ("technical report", "press release", "quarterly filing", "conference talk", "blog post")
MONTHS = ("January", "March", "May", "July", "September", "November")
HEADINGS = ("What was claimed", "What the documents say", "What is left out",
            "What experts say", "Context", "Our assessment")
VERDICT_WEIGHTS = (("false", 14), ("mostly-false", 14), ("misleading", 22), ("mixed", 14),
                   ("mostly-true", 14), ("true", 12), ("unproven", 10))


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    publisher: str
    day: date
    archive_url: str = ""


@dataclass(frozen=True)
class Quote:
    expert: str
    role: str
    text: str
    source: str
    stance: str


@dataclass
class SyntheticClaim:
    id: str
    claim: str
    claimant: str
    claim_date: date
    appearance: str
    verdict: str
    summary: str
    analysis: str
    sources: list[Source]
    quotes: list[Quote]
    tags: list[str]
    published: date
    updated: date | None = None
    corrections: list[tuple[date, str]] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pools:
    claimants: tuple[str, ...]
    experts: tuple[tuple[str, str], ...]  # (name, role)
    tags: tuple[str, ...]
    shared_sources: tuple[Source, ...]


def make_claims(count: int, seed: int = 2025) -> list[SyntheticClaim]:
    """``count`` valid claims with related ids among themselves; same seed, same claims."""
    rng = random.Random(seed)
    pools = _pools(rng)
    claims = [_claim(rng, pools, index) for index in range(count)]
    ids = [claim.id for claim in claims]
    for claim in claims:
        others = [other for other in rng.sample(ids, k=min(4, len(ids))) if other != claim.id]
        claim.related = others[: rng.randint(0, 3)]
    return claims


def _pools(rng: random.Random) -> Pools:
    people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(people)
    claimants = (*ORGANISATIONS, *people[: CLAIMANT_COUNT - len(ORGANISATIONS)])
    experts = tuple((name, rng.choice(ROLES)) for name in people[CLAIMANT_COUNT:][:EXPERT_COUNT])
    tags = tuple(TAG_WORDS[:TAG_COUNT])
    shared = tuple(_source(rng, f"shared-report-{i}") for i in range(SHARED_SOURCES))
    return Pools(claimants, experts, tags, shared)


def _claim(rng: random.Random, pools: Pools, index: int) -> SyntheticClaim:
    claimant = rng.choice(pools.claimants)
    text = _claim_text(rng, claimant)
    claim_id = f"{'-'.join(slugify(text).split('-')[:7])}-{index:05d}"
    claim_date = date(2022, 1, 1) + timedelta(days=rng.randrange(1200))
    published = claim_date + timedelta(days=rng.randint(1, 60))
    updated = published + timedelta(days=rng.randint(1, 90)) if rng.random() < 0.2 else None
    corrections = [(updated, "Corrected a figure in the analysis.")] if updated and rng.random() < 0.5 else []
    return SyntheticClaim(
        id=claim_id,
        claim=text,
        claimant=claimant,
        claim_date=claim_date,
        appearance=f"https://news.example.org/{claim_id}",
        verdict=rng.choices([k for k, _ in VERDICT_WEIGHTS], [w for _, w in VERDICT_WEIGHTS])[0],
        summary=" ".join(_sentence(rng) for _ in range(rng.randint(1, 3))),
        analysis=_analysis(rng, claim_id),
        sources=_sources(rng, pools, claim_id),
        quotes=_quotes(rng, pools),
        tags=rng.sample(pools.tags, k=rng.randint(1, 4)),
        published=published,
        updated=updated,
        corrections=corrections,
    )


def _claim_text(rng: random.Random, claimant: str) -> str:
    predicate = rng.choice(PREDICATES).format(n=rng.randint(2, 95))
    return f"{claimant} {rng.choice(VERBS)} that its {rng.choice(TOPICS)} {predicate}."


def _sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(
        topic=rng.choice(TOPICS), doc=rng.choice(DOCS), pub=rng.choice(PUBLISHERS)[0],
        n=rng.randint(2, 90), m=rng.randint(91, 300), month=rng.choice(MONTHS))


def _paragraph(rng: random.Random, claim_id: str) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(3, 5))]
    pick = rng.randrange(len(parts))
    if rng.random() < 0.5:
        parts[pick] = f"**{parts[pick]}**"
    elif rng.random() < 0.5:
        parts[pick] = f"{parts[pick]} See [the original post](https://news.example.org/{claim_id})."
    else:
        parts[pick] = f"*{parts[pick]}*"
    return _wrap(" ".join(parts))


def _analysis(rng: random.Random, claim_id: str) -> str:
    """A few Markdown sections (h3 headings, paragraphs, a list), 2-3 KB."""
    target = rng.randint(2000, 3000)
    blocks: list[str] = []
    headings = iter(rng.sample(HEADINGS, k=len(HEADINGS)))
    while sum(len(block) + 2 for block in blocks) < target:
        if len(blocks) % 3 == 0:
            blocks.append(f"### {next(headings, 'More context')}")
        if rng.random() < 0.2:
            blocks.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))))
        else:
            blocks.append(_paragraph(rng, claim_id))
    return "\n\n".join(blocks)


def _wrap(text: str, width: int = 88) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _source(rng: random.Random, path: str) -> Source:
    publisher, domain = rng.choice(PUBLISHERS)
    day = date(2021, 6, 1) + timedelta(days=rng.randrange(1500))
    url = f"https://www.{domain}/{day.year}/{path}"
    archive = f"https://web.archive.org/web/{day.year}/{url}" if rng.random() < 0.4 else ""
    title = f"{rng.choice(TOPICS).capitalize()}: {rng.choice(DOCS)} {path.rsplit('-', 1)[-1]}"
    return Source(title, url, publisher, day, archive)


def _sources(rng: random.Random, pools: Pools, claim_id: str) -> list[Source]:
    sources = [_source(rng, f"{claim_id}-{i}") for i in range(rng.randint(2, 4))]
    if rng.random() < 0.3:
        sources[-1] = rng.choice(pools.shared_sources)
    return sources


def _quotes(rng: random.Random, pools: Pools) -> list[Quote]:
    quotes = []
    for expert, role in rng.sample(pools.experts, k=rng.randint(1, 3)):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 2)))
        source = f"https://interviews.example.org/{slugify(expert)}/{rng.randrange(10_000)}"
        stance = rng.choice(("supports", "disputes", "context"))
        quotes.append(Quote(expert, role, text, source, stance))
    return quotes


def rating_label(verdict: str) -> str:
    return DEFAULT_SCALE[verdict].label


def rating_description(verdict: str) -> str:
    return DEFAULT_SCALE[verdict].description


# ----- The desk corpus (issue 27) --------------------------------------------------------
# Shaped like a real desk's archive rather than like the synthetic one above: few claimants
# and experts (so a few large listing pages), long claims (about 600 words of analysis),
# 3 sources, 1 quote, 2 tags and 2 related checks each. Its words come from a seeded random
# over a vocabulary of its own, so no sentence repeats a template of the corpus above.

DESK_CLAIMANTS = 6
DESK_EXPERTS = 8
DESK_TAGS = 12
DESK_WORDS = 550  # the list and headings bring a claim to about 600 words
DESK_VOCABULARY = (
    "budget", "ministry", "growth", "figure", "percent", "report", "survey", "region", "council",
    "average", "rate", "increase", "decline", "workers", "households", "prices", "energy", "water",
    "schools", "hospitals", "roads", "taxes", "spending", "debt", "exports", "imports", "wages",
    "pension", "housing", "rent", "transport", "police", "crime", "migration", "census", "data",
    "official", "statement", "estimate", "quarter", "annual", "compared", "previous", "since",
    "according", "analysis", "source", "record", "claimed", "showed", "suggests", "however",
    "although", "because", "while", "during", "between", "across", "within", "without", "only",
    "nearly", "almost", "roughly", "about", "more", "less", "than", "the", "a", "of", "in", "to",
    "and", "for", "on", "with", "that", "was", "were", "is", "are", "by", "from", "at", "as",
)
DESK_PEOPLE = (
    "Amina Okoro", "Lars Halvorsen", "Mariana Duarte", "Kenji Mori", "Fatima Rahman",
    "Tomasz Wójcik", "Chloé Martin", "Samuel Osei", "Ingrid Berg", "Rohan Mehta",
    "Leila Haddad", "Pieter de Vries", "Ana Beatriz Lima", "Jae-won Park",
)


def make_desk_claims(count: int, seed: int = 2025) -> list[SyntheticClaim]:
    """``count`` long claims by 6 claimants with quotes from 8 experts; same seed, same claims."""
    rng = random.Random(seed)
    people = list(DESK_PEOPLE)
    rng.shuffle(people)
    claimants = tuple(people[:DESK_CLAIMANTS])
    experts = tuple((name, rng.choice(ROLES)) for name in people[DESK_CLAIMANTS:][:DESK_EXPERTS])
    tags = tuple(rng.sample(TAG_WORDS, k=DESK_TAGS))
    claims = [_desk_claim(rng, claimants, experts, tags, index) for index in range(count)]
    ids = [claim.id for claim in claims]
    for index, claim in enumerate(claims):
        others = [i for i in rng.sample(range(count), k=min(3, count)) if i != index][:2]
        claim.related = [ids[i] for i in others]
    return claims


def _desk_claim(rng: random.Random, claimants: tuple[str, ...], experts: tuple[tuple[str, str], ...],
                tags: tuple[str, ...], index: int) -> SyntheticClaim:
    claimant = rng.choice(claimants)
    text = f"{claimant} said that {_words(rng, rng.randint(12, 24))}."
    claim_id = f"{'-'.join(slugify(text).split('-')[:6])}-{index:05d}"
    claim_date = date(2021, 1, 1) + timedelta(days=rng.randrange(1600))
    published = claim_date + timedelta(days=rng.randint(1, 30))
    expert, role = rng.choice(experts)
    quote = Quote(expert, role, _sentences(rng, 2), f"https://interviews.example.org/{slugify(expert)}/{index}",
                  rng.choice(("supports", "disputes", "context")))
    return SyntheticClaim(
        id=claim_id, claim=text, claimant=claimant, claim_date=claim_date,
        appearance=f"https://news.example.org/{claim_id}",
        verdict=rng.choices([k for k, _ in VERDICT_WEIGHTS], [w for _, w in VERDICT_WEIGHTS])[0],
        summary=_sentences(rng, 2), analysis=_long_analysis(rng), tags=rng.sample(tags, k=2),
        sources=[_source(rng, f"{claim_id}-{i}") for i in range(3)], quotes=[quote], published=published,
    )


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(DESK_VOCABULARY) for _ in range(count))


def _sentences(rng: random.Random, count: int) -> str:
    return " ".join(f"{_words(rng, rng.randint(8, 20)).capitalize()} {rng.randint(2, 99)}." for _ in range(count))


def _long_analysis(rng: random.Random) -> str:
    """About DESK_WORDS words of Markdown: h3 sections of paragraphs, one with a list."""
    blocks: list[str] = []
    words = 0
    while words < DESK_WORDS:
        if len(blocks) % 4 == 0:
            blocks.append(f"### {_words(rng, 3).capitalize()}")
        paragraph = _sentences(rng, rng.randint(3, 6))
        if rng.random() < 0.3:
            head, _, tail = paragraph.partition(". ")
            paragraph = f"**{head}.** {tail}"
        blocks.append(_wrap(paragraph))
        words += len(paragraph.split())
    blocks.insert(2, "\n".join(f"- {_sentences(rng, 1)}" for _ in range(3)))
    return "\n\n".join(blocks)


CORPORA = {"desk": make_desk_claims, "synthetic": make_claims}
