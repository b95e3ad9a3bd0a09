"""A claim in, its schema.org ClaimReview out, as a JSON-LD script element.

Follows Google's fact-check structured data: claimReviewed, reviewRating with
alternateName, itemReviewed as a Claim, author, datePublished and url.

With a people registry (``people.Registry``), whoever it lists is named as it names them,
with their ``sameAs`` links: the claimant (``itemReviewed.author``), the organisation
(``author``, which Google reads as the fact-checking publisher, so it stays the
organisation) and the check's own author, a person on the desk, as ``creator`` (schema.org:
"the same as the author property"), since putting a person in ``author`` would take the
organisation's place.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..claims.model import Claim
from ..claims.people import Person, Registry
from ..claims.scale import RatingScale

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


# The site's identity pages (render.SiteInfo.identity keys) as schema.org Organization properties.
_POLICIES = {
    "methodology": ("publishingPrinciples", "verificationFactCheckingPolicy"),
    "corrections_policy": ("correctionsPolicy", "actionableFeedbackPolicy"),
    "funding": ("ownershipFundingInfo",),
}


def claim_review(claim: Claim, scale: RatingScale, *, url: str, organization: str,
                 organization_url: str = "", summary_text: str = "",
                 policies: dict[str, str] | None = None, registry: Registry | None = None,
                 default_author: str = "") -> dict[str, Any]:
    rating = scale[claim.verdict]
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        review_rating.update(ratingValue=rating.value, bestRating=scale.best, worstRating=scale.worst)

    claimant = registry.find(claim.claimant) if registry else None
    item: dict[str, Any] = {"@type": "Claim", "author": _party(claim.claimant, claim.claimant_type, claimant)}
    if claim.claim_date:
        item["datePublished"] = claim.claim_date.isoformat()
    if claim.appearance:
        item["appearance"] = [{"@type": "CreativeWork", "url": u} for u in claim.appearance]
        item["firstAppearance"] = item["appearance"][0]

    author: dict[str, Any] = {"@type": "Organization", "name": organization}
    if organization_url:
        author["url"] = organization_url
    desk = registry.find(organization) if registry else None
    if desk is not None and desk.same_as:
        author["sameAs"] = list(desk.same_as)
    for key, target in (policies or {}).items():
        for name in _POLICIES.get(key, ()):
            author[name] = target
    contact = (policies or {}).get("contact", "")
    if contact:
        how = {"email": contact.removeprefix("mailto:")} if contact.startswith("mailto:") else {"url": contact}
        author["contactPoint"] = {"@type": "ContactPoint", "contactType": "editorial", **how}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.claim,
        "itemReviewed": item,
        "author": author,
        "reviewRating": review_rating,
        "datePublished": claim.published.isoformat(),
    }
    writer = registry.find(claim.author or default_author) if registry else None
    if writer is not None and writer is not desk:
        review["creator"] = _party(writer.name, writer.type, writer)
    if claim.updated:
        review["dateModified"] = claim.updated.isoformat()
    if summary_text:
        review["reviewBody"] = summary_text
    return review


def _party(name: str, kind: str | None, person: Person | None = None) -> dict[str, Any]:
    # Without claimant_type we do not guess: schema.org's common parent stays truthful.
    types = {"person": "Person", "organization": "Organization"}
    if person is None:
        return {"@type": types.get(kind or "", "Thing"), "name": name}
    party: dict[str, Any] = {"@type": types[kind or person.type], "name": person.name}
    if person.same_as:
        party["sameAs"] = list(person.same_as)
    return party


def script_element(data: dict[str, Any]) -> str:
    """The JSON-LD in a script element that no claim text can close or break, and in whose
    strings no other plugin's template syntax (``{{ ... }}``) can be found."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    text = _JSON_STRING.sub(lambda m: m.group().translate(_BRACES_ESCAPED), text)
    return f'<script type="application/ld+json">{text}</script>'


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: one step per run of plain characters
_BRACES_ESCAPED = str.maketrans({"{": "\\u007b", "}": "\\u007d"})
