"""Editorial rules: what a desk checks before a fact check goes out, and what a build publishes.

Takes validated claims with the YAML positions of their fields (``locate``, called by
the loader) and a ``Policy`` (the site's options and the build's date). Gives located
findings: errors for dates that cannot be true and for checks published with too few
reviewers; warnings for what readers miss (no appearance link, no archived copy, an
unsourced quote, a claim too long for search results), which a site may raise to
errors by code. ``stage`` and ``publishable`` decide which claims a build publishes:
drafts, checks in review and embargoed checks reach no output of a build.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import yaml

from .errors import ClaimError
from .model import Claim
from .people import NAME_VARIANT, Desk

# Google's fact-check structured data documentation, on `claimReviewed`: "A short summary
# of the claim being evaluated. Try to keep this less than 75 characters to minimize
# wrapping when displayed on a mobile device."
# https://developers.google.com/search/docs/appearance/structured-data/factcheck
CLAIM_REVIEWED_LENGTH = 75

# Every warning's stable code and what it says, for the plugin option and the docs.
WARNINGS: dict[str, str] = {
    "missing-appearance": "the check does not link to where the claim was made (appearance)",
    "missing-archive": "a source has no archive_url",
    "quote-without-source": "a quote has no source",
    "claim-too-long": f"the claim is longer than the {CLAIM_REVIEWED_LENGTH} characters Google recommends",
    NAME_VARIANT: "a claimant, expert or tag is written another way than the name its page shows",
}
ERRORS = ("claim-after-published", "updated-before-published", "correction-outside-dates",
          "future-date", "future-published", "too-few-reviewers", "not-on-desk")

Stage = Literal["draft", "review", "embargoed", "published"]
Marks = dict[str, tuple[int, int]]  # "published", "sources.0", "corrections.1.date" -> (line, column)


def build_date() -> date:
    """The build's day (UTC): from SOURCE_DATE_EPOCH when set (reproducible builds, tests), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.date()


@dataclass(frozen=True)
class Policy:
    """A site's editorial options."""

    strict: frozenset[str] = frozenset()  # warning codes the site treats as errors
    min_reviewers: int = 0
    today: date | None = None  # None: build_date() at each load
    desk: Desk = field(default_factory=Desk)  # default author and people.yml: who counts as a reviewer

    @classmethod
    def from_options(cls, warnings_as_errors: object = None, min_reviewers: object = 0) -> Policy:
        """The policy from the plugin options; ValueError says what to write instead."""
        names = [warnings_as_errors] if isinstance(warnings_as_errors, str) else warnings_as_errors or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError("warnings_as_errors must be `all` or a list of warning codes")
        unknown = sorted(set(names) - set(WARNINGS) - {"all"})
        if unknown:
            raise ValueError(f"warnings_as_errors: unknown code {', '.join(map(repr, unknown))}; "
                             f"write `all` or some of: {', '.join(WARNINGS)}")
        if isinstance(min_reviewers, bool) or not isinstance(min_reviewers, int) or min_reviewers < 0:
            raise ValueError(f"min_reviewers is {min_reviewers!r}; write a whole number of at least 0")
        strict = frozenset(WARNINGS) if "all" in names else frozenset(names)
        return cls(strict, min_reviewers)


def locate(root: yaml.Node) -> Marks:
    """Where each field the rules talk about sits in a claim file (the loader keeps this)."""
    marks: Marks = {"": (1, 1)}
    if not isinstance(root, yaml.MappingNode):
        return marks
    for key, value in root.value:
        name = str(key.value)
        # A text or date: where it starts; a list: its key, since its items start below.
        marks[name] = _mark(value if isinstance(value, yaml.ScalarNode) else key)
        if name in ("sources", "quotes", "corrections") and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                marks[f"{name}.{index}"] = _mark(item)
                if isinstance(item, yaml.MappingNode):
                    for sub_key, sub_value in item.value:
                        marks[f"{name}.{index}.{sub_key.value}"] = _mark(sub_value)
    return marks


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def reviewers(claim: Claim, policy: Policy | None = None) -> list[str]:
    """The distinct reviewers other than the author (the site's default author for a check
    without one), counted by identity, never by spelling (``people.Desk.review``)."""
    return (policy or Policy()).desk.review(claim)[0]


def embargoed(claim: Claim, policy: Policy, today: date) -> bool:
    """A published, reviewed check whose publication date is still to come."""
    return (claim.status == "published" and claim.published > today
            and len(reviewers(claim, policy)) >= max(1, policy.min_reviewers))


def stage(claim: Claim, today: date) -> Stage:
    """Where a check stands on ``today``; only "published" reaches a built site."""
    if claim.status != "published":
        return claim.status
    return "embargoed" if claim.published > today else "published"


def publishable(claims: Iterable[Claim], today: date | None = None) -> list[Claim]:
    """The claims a build publishes, with `related` ids of the others removed, so that no
    output names a draft. Every builder (the plugin, the generator) goes through here."""
    day = today or build_date()
    public = [claim for claim in claims if stage(claim, day) == "published"]
    ids = {claim.id for claim in public}
    return [c if set(c.related) <= ids else _without_related(c, ids) for c in public]


def _without_related(claim: Claim, keep: set[str]) -> Claim:
    copy = claim.model_copy(update={"related": [r for r in claim.related if r in keep]})
    return copy.bind(claim.id, claim.path)


def check(claim: Claim, marks: Marks, policy: Policy, today: date) -> list[ClaimError]:
    """Every finding for one claim: errors, and warnings (raised to errors where the site says so)."""
    findings = [*_date_errors(claim, marks, policy, today), *_review_errors(claim, marks, policy, today),
                *_warnings(claim, marks)]
    return [f.as_error() if f.code in policy.strict else f for f in findings]


def _finding(claim: Claim, marks: Marks, where: str, code: str, message: str, hint: str) -> ClaimError:
    line, column = marks.get(where) or marks.get(where.split(".", 1)[0]) or (1, 1)
    severity: Literal["error", "warning"] = "warning" if code in WARNINGS else "error"
    return ClaimError(claim.path, line, column, message, hint, code, severity)


def _date_errors(claim: Claim, marks: Marks, policy: Policy, today: date) -> Iterator[ClaimError]:
    published, updated = claim.published, claim.updated
    # The latest day a change can carry: today, or the publication day of an embargoed check.
    horizon = max(today, published) if claim.status != "published" or embargoed(claim, policy, today) else today
    if claim.claim_date and claim.claim_date > published:
        yield _finding(claim, marks, "claim_date", "claim-after-published",
                       f"claim_date {claim.claim_date} is after published {published}",
                       "a claim is checked after it is made: correct one of the two dates")
    elif claim.claim_date and claim.claim_date > today:
        yield _finding(claim, marks, "claim_date", "future-date",
                       f"claim_date {claim.claim_date} is in the future (the build's date is {today})",
                       "write the day the claim was made")
    if updated and updated < published:
        yield _finding(claim, marks, "updated", "updated-before-published",
                       f"updated {updated} is before published {published}",
                       "write the day of the last change (on or after published), or remove `updated`")
    elif updated and updated > horizon:
        yield _finding(claim, marks, "updated", "future-date",
                       f"updated {updated} is in the future (the build's date is {today})",
                       "write the day the check was last changed")
    last = updated or horizon
    for index, correction in enumerate(claim.corrections):
        if not published <= correction.date <= last:
            until = f"updated {updated}" if updated else f"the build's date {today}"
            yield _finding(claim, marks, f"corrections.{index}.date", "correction-outside-dates",
                           f"correction dated {correction.date} is outside this check's dates "
                           f"(published {published} to {until})",
                           "date it on the day the change was made, and set `updated` to the latest "
                           "correction; developments before publication belong in the analysis")


def _review_errors(claim: Claim, marks: Marks, policy: Policy, today: date) -> Iterator[ClaimError]:
    if claim.status != "published":
        return
    counted, skipped = policy.desk.review(claim)
    count = len(counted)
    if claim.published > today and not embargoed(claim, policy, today):
        needed = max(1, policy.min_reviewers)
        yield _finding(claim, marks, "published", "future-published",
                       f"published {claim.published} is in the future (the build's date is {today})",
                       "write the day it goes out; to embargo a check until that day, list its "
                       f"{needed} reviewer{'s' if needed > 1 else ''} in `reviewed_by`, "
                       "or keep it as `status: review`")
    elif count < policy.min_reviewers:
        yield _finding(claim, marks, "reviewed_by" if claim.reviewed_by else "status", "too-few-reviewers",
                       f"published with {count} of the {policy.min_reviewers} reviewers this site "
                       "requires (reviewed_by, not counting the author)" + _not_counted(skipped),
                       "list who reviewed it in `reviewed_by`, or set `status: review` until then")


def _not_counted(skipped: list[tuple[str, str]]) -> str:
    return "; not counted: " + ", ".join(f"{name!r} ({why})" for name, why in skipped) if skipped else ""


def _warnings(claim: Claim, marks: Marks) -> Iterator[ClaimError]:
    if not claim.appearance:
        yield _finding(claim, marks, "claimant", "missing-appearance",
                       f"no appearance: readers cannot see where {claim.claimant} made the claim",
                       "add `appearance:` with the URL of the post, article or video where it was made")
    if len(claim.claim) > CLAIM_REVIEWED_LENGTH:
        yield _finding(claim, marks, "claim", "claim-too-long",
                       f"the claim is {len(claim.claim)} characters; search results show ClaimReview's "
                       f"claimReviewed best under {CLAIM_REVIEWED_LENGTH}",
                       "shorten it to its core; the full wording can go in the analysis")
    for index, source in enumerate(claim.sources):
        if not source.archive_url:
            yield _finding(claim, marks, f"sources.{index}", "missing-archive",
                           f"source {_short(source.title)!r} has no archive_url",
                           "add `archive_url:` with a capture you opened, such as a web.archive.org "
                           "snapshot; never a guessed address")
    for index, quote in enumerate(claim.quotes):
        if not quote.source:
            yield _finding(claim, marks, f"quotes.{index}", "quote-without-source",
                           f"the quote by {_short(quote.expert)} has no source",
                           "add `source:` with the URL where the quote appeared")


def summary(warnings: list[ClaimError]) -> str:
    """One line: how many warnings of each code, in how many files."""
    counts = Counter(w.code for w in warnings)
    files = len({w.path for w in warnings})
    each = ", ".join(f"{count} {code}" for code, count in sorted(counts.items()))
    return f"{len(warnings)} editorial warning{'s' if len(warnings) != 1 else ''} in {files} " \
           f"claim file{'s' if files != 1 else ''}: {each}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def review_all(items: Iterable[tuple[Claim, Marks]], policy: Policy) -> tuple[list[ClaimError], list[ClaimError]]:
    """(errors, warnings) for every claim, on the policy's day."""
    today = policy.today or build_date()
    errors: list[ClaimError] = []
    warnings: list[ClaimError] = []
    for claim, marks in items:
        for finding in check(claim, marks, policy, today):
            (warnings if finding.severity == "warning" else errors).append(finding)
    return errors, warnings
