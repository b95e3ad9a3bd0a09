"""Editorial rules: what a desk checks before a fact check goes out, and what a build publishes.

Takes validated claims with the YAML positions of their fields (``locate``, called by
the loader) and a ``Policy`` (the site's options, its time zone and the build's instant). Gives located
findings: errors for dates that cannot be true and for checks published with too few
reviewers; warnings for what readers miss (no appearance link, no archived copy, an
unsourced quote, a claim too long for search results, a claim or claimant the share
card cannot draw), which a site may raise to errors by code. ``stage`` and ``publishable``
decide which claims a build publishes: drafts, checks in review and embargoed checks reach
no output of a build.

Time: a build happens at one instant (``Clock``: SOURCE_DATE_EPOCH, or now) in the site's
time zone (the ``timezone`` option, default UTC). "Today" is the build's day in that zone;
an embargo lifts at the instant ``published`` names: its own offset when it is a date-time,
else midnight of that day in the site's zone.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..base import cards
from ..base.errors import ClaimError, SiteError
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
    "card-fallback": "the share card cannot draw the claim or claimant: the page shows the site's card",
    NAME_VARIANT: "a claimant, expert or tag is written another way than the name its page shows",
    "duplicate-source": "two of a check's sources are the same address (its case, a trailing slash, a "
                        "#fragment or utm_ tracking aside)",
}
ERRORS = ("claim-after-published", "updated-before-published", "correction-outside-dates",
          "future-date", "future-published", "too-few-reviewers", "withdrawal-incomplete", "not-on-desk")

Stage = Literal["draft", "review", "embargoed", "published", "withdrawn"]
PUBLIC_STAGES = ("published", "withdrawn")  # what readers see: a current rating, or a withdrawn one's page
Marks = dict[str, tuple[int, int]]  # "published", "sources.0", "corrections.1.date" -> (line, column)


# Past this (the year 9999 ends) a timestamp is no date Python can hold: a typo, not a build time.
MAX_EPOCH = 253402300799
_EPOCH = re.compile(r"[0-9]+")


class EpochError(SiteError, ValueError):
    """SOURCE_DATE_EPOCH is set but is not a time a build can happen at."""


def build_moment() -> datetime:
    """The build's instant (UTC): SOURCE_DATE_EPOCH when set (reproducible builds, tests), else now.
    A value that is not a whole number of seconds since 1970 raises EpochError: a build must not
    silently take another day (an embargo would lift, or not, by accident)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return datetime.now(UTC)
    text = raw.strip()
    if not _EPOCH.fullmatch(text) or int(text) > MAX_EPOCH:
        raise EpochError(f"SOURCE_DATE_EPOCH is {raw[:40]!r}: write the build's time as a whole number of "
                         "seconds since 1970-01-01 UTC (e.g. the last commit's: `git log -1 --format=%ct`), "
                         "or unset it to build at the current time")
    return datetime.fromtimestamp(int(text), UTC)


def build_date() -> date:
    """The build's day in UTC (``Clock.today`` gives it in the site's time zone)."""
    return build_moment().date()


def time_zone(name: object) -> tzinfo:
    """The site's time zone from the ``timezone`` option (an IANA name); ValueError says what to write."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"timezone is {name!r}; write an IANA time zone name such as UTC, Europe/Paris "
                         "or America/New_York")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder of the database
        raise ValueError(f"timezone is {name[:60]!r}, which is not an IANA time zone name; write one such as "
                         "UTC, Europe/Paris or America/New_York") from None


@dataclass(frozen=True)
class Clock:
    """One build's instant and the site's time zone: what "now" and "today" mean for every rule."""

    now: datetime  # aware
    zone: tzinfo = UTC

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def released(self, claim: Claim) -> bool:
        """Whether the check's publication instant has come."""
        return claim.release(self.zone) <= self.now


def clock_at(when: Clock | datetime | date, zone: tzinfo = UTC) -> Clock:
    """A clock from a Clock, an instant, or a day (the last moment of that day in ``zone``:
    every check dated that day is out, as a build on that day saw it before instants existed)."""
    if isinstance(when, Clock):
        return when
    if isinstance(when, datetime):
        return Clock(when if when.tzinfo else when.replace(tzinfo=zone), zone)
    return Clock(datetime.combine(when, time.max, zone), zone)


@dataclass(frozen=True)
class Policy:
    """A site's editorial options."""

    strict: frozenset[str] = frozenset()  # warning codes the site treats as errors
    min_reviewers: int = 0
    today: date | datetime | None = None  # None: the build's instant (build_moment) at each load
    zone: tzinfo = field(default=UTC)  # the site's time zone (plugin option `timezone`)

    def clock(self) -> Clock:
        """The build's clock: ``today`` when the policy fixes it, else SOURCE_DATE_EPOCH or now."""
        return clock_at(self.today if self.today is not None else build_moment(), self.zone)
    desk: Desk = field(default_factory=Desk)  # default author and people.yml: who counts as a reviewer

    @classmethod
    def from_options(cls, warnings_as_errors: object = None, min_reviewers: object = 0,
                     timezone: object = "UTC") -> Policy:
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
        return cls(strict, min_reviewers, zone=time_zone(timezone))


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
        elif isinstance(value, yaml.MappingNode):  # withdrawn: {date, note}
            for sub_key, sub_value in value.value:
                marks[f"{name}.{sub_key.value}"] = _mark(sub_value)
    return marks


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def reviewers(claim: Claim, policy: Policy | None = None) -> list[str]:
    """The distinct reviewers other than the author (the site's default author for a check
    without one), counted by identity, never by spelling (``people.Desk.review``)."""
    return (policy or Policy()).desk.review(claim)[0]


def embargoed(claim: Claim, policy: Policy, when: Clock | datetime | date) -> bool:
    """A published, reviewed check whose publication instant is still to come."""
    return (claim.status == "published" and not clock_at(when, policy.zone).released(claim)
            and len(reviewers(claim, policy)) >= max(1, policy.min_reviewers))


def stage(claim: Claim, when: Clock | datetime | date) -> Stage:
    """Where a check stands at ``when`` (a build's clock; a day: at its end in UTC); "published"
    checks are the site's record and its counts, "withdrawn" ones keep a page saying so; nothing
    else reaches a built site."""
    if claim.status == "withdrawn":
        # Withdrawing a check that never went out publishes nothing: it stays embargoed.
        return "withdrawn" if clock_at(when).released(claim) else "embargoed"
    if claim.status != "published":
        return claim.status
    return "published" if clock_at(when).released(claim) else "embargoed"


def withdrawn(claims: Iterable[Claim], when: Clock | datetime | date | None = None) -> list[Claim]:
    """The withdrawn checks a build keeps a page for, most recently withdrawn first."""
    clock = clock_at(when) if when is not None else Policy().clock()
    found = [claim for claim in claims if stage(claim, clock) == "withdrawn"]
    return sorted(found, key=lambda c: (c.withdrawn.date if c.withdrawn else c.published, c.id), reverse=True)


def publishable(claims: Iterable[Claim], when: Clock | datetime | date | None = None) -> list[Claim]:
    """The claims a build publishes as current, with `related` ids of the others removed, so
    that no output names a draft. Every builder (the plugin, the generator) goes through here."""
    clock = clock_at(when) if when is not None else Policy().clock()
    public = [claim for claim in claims if stage(claim, clock) == "published"]
    ids = {claim.id for claim in public}
    return [c if set(c.related) <= ids else _without_related(c, ids) for c in public]


def _without_related(claim: Claim, keep: set[str]) -> Claim:
    copy = claim.model_copy(update={"related": [r for r in claim.related if r in keep]})
    return copy.bind(claim.id, claim.path)


def check(claim: Claim, marks: Marks, policy: Policy, when: Clock | datetime | date) -> list[ClaimError]:
    """Every finding for one claim: errors, and warnings (raised to errors where the site says so)."""
    clock = clock_at(when, policy.zone)
    findings = [*_date_errors(claim, marks, policy, clock), *_review_errors(claim, marks, policy, clock),
                *_withdrawal_errors(claim, marks, clock.today), *_warnings(claim, marks)]
    return [f.as_error() if f.code in policy.strict else f for f in findings]


def _finding(claim: Claim, marks: Marks, where: str, code: str, message: str, hint: str) -> ClaimError:
    line, column = marks.get(where) or marks.get(where.split(".", 1)[0]) or (1, 1)
    severity: Literal["error", "warning"] = "warning" if code in WARNINGS else "error"
    return ClaimError(claim.path, line, column, message, hint, code, severity)


def _date_errors(claim: Claim, marks: Marks, policy: Policy, clock: Clock) -> Iterator[ClaimError]:
    published, updated, today = claim.published, claim.updated, clock.today
    # The latest day a change can carry: today, or the publication day of an embargoed check.
    horizon = max(today, published) if claim.status != "published" or embargoed(claim, policy, clock) else today
    if claim.claim_date and claim.claim_date > published:
        yield _finding(claim, marks, "claim_date", "claim-after-published",
                       f"claim_date {claim.claim_date} is after published {published}",
                       "a claim is checked after it is made: correct one of the two dates")
    elif claim.claim_date and claim.claim_date > today:
        yield _finding(claim, marks, "claim_date", "future-date",
                       f"claim_date {claim.claim_date} is in the future (the build's date is {today})",
                       "write the day the claim was made")
    # Both written with a time: the instants decide (same day, earlier hour); else the days.
    timed = claim.updated_at is not None and claim.published_at is not None
    if updated and (updated < published or (timed and claim.changed_at(UTC) < claim.release(UTC))):
        shown = claim.updated_at.isoformat() if timed and claim.updated_at else updated
        yield _finding(claim, marks, "updated", "updated-before-published",
                       f"updated {shown} is before published {claim.published_text if timed else published}",
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


def _withdrawal_errors(claim: Claim, marks: Marks, today: date) -> Iterator[ClaimError]:
    """A withdrawal says when and why, and only on a withdrawn check."""
    if claim.status == "withdrawn" and claim.withdrawn is None:
        yield _finding(claim, marks, "status", "withdrawal-incomplete",
                       "a withdrawn check must say when and why it was withdrawn",
                       "add `withdrawn:` with `date:` (the day it was withdrawn) and `note:` (why, for readers)")
    elif claim.withdrawn is not None and claim.status != "withdrawn":
        yield _finding(claim, marks, "withdrawn", "withdrawal-incomplete",
                       f"this check has a `withdrawn` note but its status is {claim.status}",
                       "set `status: withdrawn`, or remove the `withdrawn` block")
    elif claim.withdrawn is not None and not claim.published <= claim.withdrawn.date <= max(today, claim.published):
        yield _finding(claim, marks, "withdrawn.date", "withdrawal-incomplete",
                       f"withdrawn {claim.withdrawn.date} is outside this check's dates "
                       f"(published {claim.published} to the build's date {today})",
                       "date it on the day the desk withdrew the check")


def _review_errors(claim: Claim, marks: Marks, policy: Policy, clock: Clock) -> Iterator[ClaimError]:
    if claim.status != "published":  # a withdrawn check was reviewed when it went out
        return
    counted, skipped = policy.desk.review(claim)
    count = len(counted)
    if not clock.released(claim) and not embargoed(claim, policy, clock):
        needed = max(1, policy.min_reviewers)
        yield _finding(claim, marks, "published", "future-published",
                       f"published {claim.published_text} is in the future (the build's time is "
                       f"{_shown(clock)})",
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
    for key, text in (("claim", claim.claim), ("claimant", claim.claimant)):
        bad = cards.undrawable(text, headline=key == "claim")
        if bad:
            yield _finding(claim, marks, key, "card-fallback",
                           f"the share card cannot draw {_code_points(bad)} in the {key}: the page will "
                           "show the site's card instead",
                           "to give the page a card of its own, write those characters another way, "
                           "e.g. the ligature U+FDFD as its words")
    for index, source in enumerate(claim.sources):
        if not source.archive_url:
            yield _finding(claim, marks, f"sources.{index}", "missing-archive",
                           f"source {_short(source.title)!r} has no archive_url",
                           "add `archive_url:` with a capture you opened, such as a web.archive.org "
                           "snapshot; never a guessed address")
    yield from _duplicate_sources(claim, marks)
    for index, quote in enumerate(claim.quotes):
        if not quote.source:
            yield _finding(claim, marks, f"quotes.{index}", "quote-without-source",
                           f"the quote by {_short(quote.expert)} has no source",
                           "add `source:` with the URL where the quote appeared")


def _duplicate_sources(claim: Claim, marks: Marks) -> Iterator[ClaimError]:
    """A source listed again (the same document): readers would count two sources, and a
    citation to either number points to one document."""
    first: dict[str, int] = {}
    for index, source in enumerate(claim.sources):
        key = document_address(source.url)
        earlier = first.setdefault(key, index)
        if earlier == index:
            continue
        line = (marks.get(f"sources.{earlier}.url") or marks.get(f"sources.{earlier}") or (0, 0))[0]
        yield _finding(claim, marks, f"sources.{index}.url", "duplicate-source",
                       f"source {index + 1} has the same address as source {earlier + 1} (line {line}): "
                       f"{_short(source.url, 100)}",
                       f"remove the later entry, source {index + 1}; then cite source {earlier + 1} "
                       f"where [^{index + 1}] was, and lower by one every [^N] above {index + 1}")


# Query parameters that say who sent the reader, not which document it is.
_TRACKING = re.compile(r"^(utm_[a-z0-9_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|yclid)$",
                       re.IGNORECASE)


def document_address(url: str) -> str:
    """A URL as the document it names: scheme and host in lower case, the default port, a
    trailing slash, the #fragment and tracking parameters (utm_*, fbclid, ...) left out."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".")
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and not _TRACKING.match(pair.split("=", 1)[0]))
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), query, ""))


def summary(warnings: list[ClaimError]) -> str:
    """One line: how many warnings of each code, in how many files."""
    counts = Counter(w.code for w in warnings)
    files = len({w.path for w in warnings})
    each = ", ".join(f"{count} {code}" for code, count in sorted(counts.items()))
    return f"{len(warnings)} editorial warning{'s' if len(warnings) != 1 else ''} in {files} " \
           f"claim file{'s' if files != 1 else ''}: {each}"


def _shown(clock: Clock) -> str:
    """The build's instant in the site's zone, for messages: 2025-03-05 04:59 (America/New_York)."""
    return f"{clock.now.astimezone(clock.zone):%Y-%m-%d %H:%M} ({clock.zone})"


def _code_points(chars: str, limit: int = 5) -> str:
    shown = ", ".join(f"U+{ord(ch):04X}" for ch in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def review_all(items: Iterable[tuple[Claim, Marks]], policy: Policy) -> tuple[list[ClaimError], list[ClaimError]]:
    """(errors, warnings) for every claim, at the policy's clock."""
    clock = policy.clock()
    errors: list[ClaimError] = []
    warnings: list[ClaimError] = []
    for claim, marks in items:
        for finding in check(claim, marks, policy, clock):
            (warnings if finding.severity == "warning" else errors).append(finding)
    return errors, warnings
