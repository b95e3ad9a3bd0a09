"""Write the three sites the benchmark builds from the same synthetic claims.

``write_ours`` writes YAML claim files and a one-page docs folder for the plugin.
``write_plain`` writes what a site owner without the plugin would write by hand:
one Markdown page per claim, claimant, expert and tag, plus the index pages, with
the same text and the same links. ``write_bare`` writes the claim pages alone (the
same per-claim Markdown, links to pages it does not have left as text) and a home
page: the least anyone could publish, and the harder comparison. All use theme
material, the same Markdown extensions and a short explicit nav; the per-item
pages are outside the nav in each (ours marks them NOT_IN_NAV, the others list
them in ``not_in_nav``), so Material does not render an N-entry nav on N pages.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from corpus import SyntheticClaim, rating_description, rating_label
from mkdocs_factcheck.claims import urls
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.slugs import slugify

SITE_NAME = "Synthetic fact checks"
SELECTION_NOTE = ("We select claims because they are newsworthy or doubtful, not at random, "
                  "so these counts say nothing about anyone's overall honesty.")
CHECKED_BY = "Fact-check desk"
NAV = """\
nav:
  - Home: index.md
  - Scoreboard: scoreboard.md
  - All fact checks: claims/index.md
  - Claimants: claimants/index.md
  - Experts: experts/index.md
  - Topics: tags/index.md
  - Sources: sources/index.md
"""
COMMON_CONFIG = """\
site_name: {name}
site_url: https://bench.example.org/
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - admonition
  - attr_list
  - toc:
      permalink: true
"""
# The cache folder keeps share cards between builds ("warm", as in CI with a cache
# step); run.py deletes the cached Markdown before each timed build.
CACHE_DIR = ".cache/factcheck"
MARKDOWN_CACHE = "markdown.json"
OURS_PLUGINS = """\
plugins:
  - search
  - factcheck:
      claims_dir: claims
      default_author: {checked_by}
"""
PLAIN_PLUGINS = """\
plugins:
  - search
not_in_nav: |
  /claims/*.md
  /claimants/*.md
  /experts/*.md
  /tags/*.md
  !index.md
"""
BARE_NAV_AND_PLUGINS = """\
nav:
  - Home: index.md
plugins:
  - search
not_in_nav: |
  /claims/*.md
"""
# Links from a claim page to claimant, expert and tag pages, which the bare site has not.
_PEOPLE_AND_TAG_LINK = re.compile(r"\[([^\]]+)\]\(\.\./(?:claimants|experts|tags)/[^)]+\)")
HOME_INTRO = f"""\
# {SITE_NAME}

A generated fact-check site for the build benchmark. Every page below was
generated from the same synthetic claims for both builds.
"""


# ----- ours -----------------------------------------------------------------------------

class _BlockDumper(yaml.SafeDumper):
    """Multi-line text as YAML literal blocks, the way contributors write `analysis: |`;
    no anchors or aliases (claim files refuse them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def claim_yaml(claim: SyntheticClaim) -> str:
    return mapping_yaml(claim_mapping(claim))


def mapping_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=88)


def claim_mapping(claim: SyntheticClaim) -> dict[str, Any]:
    data: dict[str, Any] = {
        "claim": claim.claim, "claimant": claim.claimant, "claim_date": claim.claim_date,
        "appearance": claim.appearance, "verdict": claim.verdict, "summary": claim.summary,
        "analysis": claim.analysis, "sources": [_source_mapping(s) for s in claim.sources],
        "quotes": [vars(q) for q in claim.quotes], "tags": claim.tags, "related": claim.related,
        "published": claim.published,
    }
    if claim.updated:
        data["updated"] = claim.updated
    if claim.corrections:
        data["corrections"] = [{"date": day, "note": note} for day, note in claim.corrections]
    return data


def _source_mapping(source: Any) -> dict[str, Any]:
    data = {"title": source.title, "url": source.url, "publisher": source.publisher,
            "date": source.day}
    if source.archive_url:
        data["archive_url"] = source.archive_url
    return data


def write_ours(root: Path, claims: list[SyntheticClaim], workers: str | None = None,
               cache_dir: str | None = CACHE_DIR) -> Path:
    """The plugin's site: claims/*.yml plus a home page using the plugin's markers; ``workers``
    and ``cache_dir`` set the plugin's options of those names (None: the plugin's default)."""
    (root / "claims").mkdir(parents=True)
    (root / "docs").mkdir()
    for claim in claims:
        (root / "claims" / f"{claim.id}.yml").write_text(claim_yaml(claim), encoding="utf-8")
    home = (f"{HOME_INTRO}\n## Latest fact checks\n\n<!-- factcheck:latest -->\n\n"
            "## The scoreboard in brief\n\n<!-- factcheck:brief -->\n\n"
            f"{SELECTION_NOTE}\n")
    (root / "docs" / "index.md").write_text(home, encoding="utf-8")
    config = COMMON_CONFIG.format(name=SITE_NAME) + NAV + OURS_PLUGINS.format(checked_by=CHECKED_BY)
    config += f"      cache_dir: {cache_dir}\n" if cache_dir else ""
    config += f"      workers: {workers}\n" if workers else ""
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root / "mkdocs.yml"


# ----- plain ----------------------------------------------------------------------------

@dataclass
class PlainCatalog:
    """The groupings the plugin's catalog makes, recomputed for the hand-written pages."""

    claims: list[SyntheticClaim]
    by_id: dict[str, SyntheticClaim] = field(default_factory=dict)
    claimants: dict[str, list[SyntheticClaim]] = field(default_factory=dict)
    experts: dict[str, list[tuple[SyntheticClaim, int]]] = field(default_factory=dict)
    tags: dict[str, list[SyntheticClaim]] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, dict[str, tuple[str, list[SyntheticClaim]]]] = field(default_factory=dict)

    @classmethod
    def of(cls, claims: Iterable[SyntheticClaim]) -> PlainCatalog:
        ordered = sorted(claims, key=lambda c: (c.published, c.updated or c.published, c.id),
                         reverse=True)
        catalog = cls(ordered, {c.id: c for c in ordered})
        for claim in ordered:
            catalog.claimants.setdefault(claim.claimant, []).append(claim)
            for tag in claim.tags:
                catalog.tags.setdefault(tag, []).append(claim)
            for index, quote in enumerate(claim.quotes):
                catalog.experts.setdefault(quote.expert, []).append((claim, index))
            for source in claim.sources:
                by_url = catalog.sources.setdefault(source.publisher, {})
                by_url.setdefault(source.url, (source.title, []))[1].append(claim)
            catalog.related.setdefault(claim.id, [])
            for other in claim.related:
                _add_once(catalog.related, claim.id, other)
                _add_once(catalog.related, other, claim.id)
        return catalog


def _add_once(links: dict[str, list[str]], key: str, value: str) -> None:
    values = links.setdefault(key, [])
    if value not in values:
        values.append(value)


def _link(here: str, target: str) -> str:
    """Relative Markdown link from docs page ``here`` to docs page ``target``."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def _claim_item(here: str, claim: SyntheticClaim) -> str:
    return (f"- **{rating_label(claim.verdict)}** [{claim.claim}]({_link(here, _claim_uri(claim.id))})"
            f" · [{claim.claimant}]({_link(here, _claimant_uri(claim.claimant))})"
            f" · {claim.published.isoformat()}")


def _claim_uri(claim_id: str) -> str:
    return urls.claim_src(claim_id)


def _claimant_uri(name: str) -> str:
    return urls.claimant_src(slugify(name))


def _expert_uri(name: str) -> str:
    return urls.expert_src(slugify(name))


def _tag_uri(name: str) -> str:
    return urls.tag_src(slugify(name))


def _tally_table(claims: list[SyntheticClaim]) -> str:
    counts = Counter(claim.verdict for claim in claims)
    total = len(claims) or 1
    rows = [f"| {r.label} | {counts[r.key]} | {100 * counts[r.key] / total:.0f}% |" for r in DEFAULT_SCALE]
    return "\n".join(["| Verdict | Count | Share |", "| --- | ---: | ---: |", *rows])


def _claims_table(here: str, claims: list[SyntheticClaim]) -> str:
    rows = [f"| [{c.claim}]({_link(here, _claim_uri(c.id))}) "
            f"| [{c.claimant}]({_link(here, _claimant_uri(c.claimant))}) "
            f"| {rating_label(c.verdict)} | {c.published.isoformat()} |" for c in claims]
    return "\n".join(["| Claim | Claimant | Verdict | Published |", "| --- | --- | --- | --- |", *rows])


def _scorecard_table(here: str, catalog: PlainCatalog) -> str:
    head = "| Claimant | Count | " + " | ".join(r.label for r in DEFAULT_SCALE) + " |"
    rule = "| --- | ---: |" + " ---: |" * len(DEFAULT_SCALE.ratings)
    rows = []
    for name, claims in sorted(catalog.claimants.items(), key=lambda kv: kv[0].casefold()):
        counts = Counter(claim.verdict for claim in claims)
        cells = " | ".join(str(counts[r.key]) for r in DEFAULT_SCALE)
        rows.append(f"| [{name}]({_link(here, _claimant_uri(name))}) | {len(claims)} | {cells} |")
    return "\n".join([head, rule, *rows])


def claim_page(claim: SyntheticClaim, catalog: PlainCatalog) -> str:
    here = _claim_uri(claim.id)
    label = rating_label(claim.verdict)
    parts = [
        _front_matter(description=_clip(f"{label}: {claim.summary}")),
        "Fact check\n",
        f"# {claim.claim}\n",
        f"Claimed by [{claim.claimant}]({_link(here, _claimant_uri(claim.claimant))}), "
        f"on {claim.claim_date.isoformat()}  \nMade here: [news.example.org]({claim.appearance})\n",
        f"## Our verdict: {label}\n",
        f"{claim.summary}\n",
        f"{label}: {rating_description(claim.verdict)}\n",
        f"## Analysis\n\n{claim.analysis}\n",
        _quotes_section(here, claim),
        _sources_section(claim),
        _related_section(claim, catalog),
        _corrections_section(claim),
        _footer(here, claim),
    ]
    return "\n".join(part for part in parts if part)


def _quotes_section(here: str, claim: SyntheticClaim) -> str:
    blocks = ["## Experts\n"]
    for quote in claim.quotes:
        blocks.append(f"> {quote.text}\n")
        blocks.append(f"[{quote.expert}]({_link(here, _expert_uri(quote.expert))}), {quote.role} · "
                      f"{quote.stance.capitalize()} · [Source]({quote.source})\n")
    return "\n".join(blocks)


def _sources_section(claim: SyntheticClaim) -> str:
    items = []
    for source in claim.sources:
        archived = f" ([archived]({source.archive_url}))" if source.archive_url else ""
        items.append(f"1. [{source.title}]({source.url}), {source.publisher}, "
                     f"{source.day.isoformat()}{archived}")
    return "## Sources\n\n" + "\n".join(items) + "\n"


def _related_section(claim: SyntheticClaim, catalog: PlainCatalog) -> str:
    related = [catalog.by_id[other] for other in catalog.related[claim.id]]
    if not related:
        return ""
    items = [f"- **{rating_label(o.verdict)}** [{o.claim}]({o.id}.md)" for o in related]
    return "## Related fact checks\n\n" + "\n".join(items) + "\n"


def _corrections_section(claim: SyntheticClaim) -> str:
    if not claim.corrections:
        return ""
    return "## Corrections\n\n" + "\n".join(f"- {d.isoformat()}: {n}" for d, n in claim.corrections) + "\n"


def _footer(here: str, claim: SyntheticClaim) -> str:
    tags = ", ".join(f"[{tag}]({_link(here, _tag_uri(tag))})" for tag in claim.tags)
    updated = f" · Updated: {claim.updated.isoformat()}" if claim.updated else ""
    return (f"---\n\nTags: {tags}  \nPublished: {claim.published.isoformat()}{updated}"
            f" · Checked by: {CHECKED_BY}\n")


def _front_matter(**meta: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, width=1_000_000) + "---\n"


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def index_pages(catalog: PlainCatalog) -> dict[str, str]:
    """The section index pages and the home page, by docs path."""
    claims = catalog.claims
    return {
        "index.md": (f"{HOME_INTRO}\n## Latest fact checks\n\n"
                     + "\n".join(_claim_item("index.md", c) for c in claims[:5])
                     + "\n\n## The scoreboard in brief\n\n"
                     + f"**{len(claims)}** fact checks. [Scoreboard](scoreboard.md)\n\n"
                     + _tally_table(claims) + f"\n\n{SELECTION_NOTE}\n"),
        "scoreboard.md": _scoreboard(catalog),
        "claims/index.md": "# All fact checks\n\n" + _claims_table("claims/index.md", claims) + "\n",
        "claimants/index.md": (f"# Claimants\n\n!!! note\n    {SELECTION_NOTE}\n\n"
                               + _scorecard_table("claimants/index.md", catalog) + "\n"),
        "experts/index.md": _experts_index(catalog),
        "tags/index.md": "# Topics\n\n" + "\n".join(
            f"- [{tag}]({slugify(tag)}.md) ({len(c)})" for tag, c in sorted(catalog.tags.items())) + "\n",
        "sources/index.md": _sources_index(catalog),
    }


def _scoreboard(catalog: PlainCatalog) -> str:
    here = "scoreboard.md"
    return (f"# Scoreboard\n\n**{len(catalog.claims)}** fact checks.\n\n!!! note\n    {SELECTION_NOTE}\n\n"
            f"## Verdicts\n\n{_tally_table(catalog.claims)}\n\n"
            f"## By claimant\n\n{_scorecard_table(here, catalog)}\n\n"
            "## Latest\n\n" + "\n".join(_claim_item(here, c) for c in catalog.claims[:10])
            + f"\n\n## All fact checks\n\n{_claims_table(here, catalog.claims)}\n")


def _experts_index(catalog: PlainCatalog) -> str:
    lines = ["# Experts\n"]
    for name, quotes in sorted(catalog.experts.items(), key=lambda kv: kv[0].casefold()):
        role = quotes[0][0].quotes[quotes[0][1]].role
        lines.append(f"- [{name}]({slugify(name)}.md), {role} ({len(quotes)})")
    return "\n".join(lines) + "\n"


def _sources_index(catalog: PlainCatalog) -> str:
    here = "sources/index.md"
    lines = ["# Sources\n"]
    for publisher, by_url in sorted(catalog.sources.items(), key=lambda kv: kv[0].casefold()):
        lines.append(f"\n## {publisher}\n")
        for url, (title, cited_by) in sorted(by_url.items(), key=lambda kv: kv[1][0].casefold()):
            cites = "; ".join(f"[{_clip(c.claim, 80)}]({_link(here, _claim_uri(c.id))})" for c in cited_by)
            lines.append(f"- [{title}]({url}) Cited by: {cites}")
    return "\n".join(lines) + "\n"


def entity_pages(catalog: PlainCatalog) -> dict[str, str]:
    """One page per claimant, expert and tag, by docs path."""
    pages: dict[str, str] = {}
    for name, claims in catalog.claimants.items():
        here = _claimant_uri(name)
        pages[here] = (f"[Claimant](index.md)\n\n# {name}\n\n**{len(claims)}** claims checked.\n\n"
                       f"!!! note\n    {SELECTION_NOTE}\n\n{_tally_table(claims)}\n\n## Claims\n\n"
                       + "\n".join(_claim_item(here, c) for c in claims) + "\n")
    for name, quotes in catalog.experts.items():
        pages[_expert_uri(name)] = _expert_page(name, quotes)
    for tag, claims in catalog.tags.items():
        here = _tag_uri(tag)
        pages[here] = (f"[Topics](index.md)\n\n# {tag}\n\n"
                       + "\n".join(_claim_item(here, c) for c in claims) + "\n")
    return pages


def _expert_page(name: str, quotes: list[tuple[SyntheticClaim, int]]) -> str:
    here = _expert_uri(name)
    roles = "; ".join(dict.fromkeys(claim.quotes[i].role for claim, i in quotes))
    blocks = [f"[Experts](index.md)\n\n# {name}\n\n{roles}\n\n## Quotes\n"]
    for claim, index in quotes:
        quote = claim.quotes[index]
        blocks.append(f"> {quote.text}\n\n{quote.role}. {quote.stance.capitalize()} · On the claim: "
                      f"[{claim.claim}]({_link(here, _claim_uri(claim.id))}) "
                      f"**{rating_label(claim.verdict)}** · [Source]({quote.source})\n")
    return "\n".join(blocks)


def write_plain(root: Path, claims: list[SyntheticClaim]) -> Path:
    """The hand-written equivalent for plain MkDocs + Material."""
    catalog = PlainCatalog.of(claims)
    pages = {**index_pages(catalog), **entity_pages(catalog)}
    pages.update({_claim_uri(c.id): claim_page(c, catalog) for c in claims})
    for uri, text in pages.items():
        path = root / "docs" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = COMMON_CONFIG.format(name=SITE_NAME) + NAV + PLAIN_PLUGINS
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root / "mkdocs.yml"


def write_bare(root: Path, claims: list[SyntheticClaim]) -> Path:
    """The claim pages alone, as bare hand-written Markdown out of the nav, and a home page."""
    catalog = PlainCatalog.of(claims)
    pages = {"index.md": HOME_INTRO}
    pages.update({_claim_uri(c.id): _PEOPLE_AND_TAG_LINK.sub(r"\1", claim_page(c, catalog)) for c in claims})
    for uri, text in pages.items():
        path = root / "docs" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = COMMON_CONFIG.format(name=SITE_NAME) + BARE_NAV_AND_PLUGINS
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root / "mkdocs.yml"
