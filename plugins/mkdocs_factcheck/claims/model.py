"""The claim file format (CONTRACT section 1) as pydantic models.

These models are the single definition of a valid claim file: the loader
validates with them, ``factcheck schema`` derives the editor's JSON Schema
from them, and the export writes what they hold.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .scale import DEFAULT_SCALE, KEY_PATTERN, RatingScale
from .urls import MAX_ID_LENGTH, RESERVED_IDS, is_device_name

ID_PATTERN = KEY_PATTERN


# Characters a browser does not accept in a host name, or reads differently from Python:
# `%` (it decodes), a backslash (it reads it as `/`), `@` and the rest of the WHATWG forbidden set.
_HOST_FORBIDDEN = re.compile(r"[%\\@#/?:<>\[\]^|\x00-\x20\x7f]")


# str.isspace() and `\s` agree on every character (both ask Python's Unicode database).
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be a full http:// or https:// address")
    if _SPACE_OR_CONTROL.search(url):
        raise ValueError("must not contain spaces or control characters")
    # Browsers read `\` as `/` and Python does not: `https://evil.example\@trusted.gov/`
    # is shown as trusted.gov and opens evil.example. Neither belongs in a citation.
    if "\\" in url:
        raise ValueError("must not contain a backslash (write / instead)")
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password before the host (user@host)")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise ValueError("has a port that is not a number") from None
    host = parts.hostname or ""
    if not host or (_HOST_FORBIDDEN.search(host) and not parts.netloc.startswith("[")):
        raise ValueError("must name a host with letters, digits, dots and hyphens only")
    return url


@lru_cache(maxsize=8192)  # sources repeat across claims; IDNA encoding is slow
def browser_host(url: str) -> str:
    """The host a browser will go to, as its address bar shows it (a name in other scripts
    as its xn-- form). URLs are validated first, so Python's reading and a browser's agree."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host.isascii():  # what the IDNA codec gives back for it, in all cases, without its cost
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def claim_id_problem(claim_id: str) -> str:
    """Why ``claim_id`` cannot be a claim's id ("" when it can)."""
    if not re.fullmatch(ID_PATTERN, claim_id):
        return "is not a valid claim id"
    if claim_id in RESERVED_IDS:
        return f"is reserved: the site publishes a page or file of its own at claims/{claim_id}"
    if is_device_name(claim_id):
        return "is a device name on Windows, where no file or folder can have it"
    if len(claim_id) > MAX_ID_LENGTH:
        return f"is {len(claim_id)} characters long, over the limit of {MAX_ID_LENGTH} for a claim id"
    return ""


def _refuse_numbers(value: Any) -> Any:
    # Pydantic would read 20250130 as seconds since 1970: a silent wrong date.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be a date written as YYYY-MM-DD")
    return value


# XML 1.0 cannot hold these (a feed with one is not XML at all) and HTML forbids them;
# YAML lets a contributor write them as "\x01" or "\u0000" in a quoted string.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _printable(value: str) -> str:
    if _UNPRINTABLE.search(value):
        raise ValueError("must not contain control characters such as \\x00 or \\x1b")
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_printable)]
MarkdownText = Annotated[str, AfterValidator(_printable)]
Url = Annotated[
    str,
    # The pattern must come first, or pydantic leaves it out of the JSON Schema.
    Field(pattern=r"^https?://", json_schema_extra={"format": "uri"}),
    AfterValidator(_check_url),
]
Day = Annotated[date, BeforeValidator(_refuse_numbers)]
OFFSET_MISSING = "is a date-time without a UTC offset"


def _offset_required(value: Any) -> Any:
    # A date-time with its offset never gets here (Claim keeps its instant); one without is
    # ambiguous by hours, which is what decides when an embargo lifts.
    if isinstance(value, datetime) or (isinstance(value, str) and _instant(value, naive=True) is not None):
        raise ValueError(OFFSET_MISSING)
    return value


def _instant(value: Any, *, naive: bool = False) -> datetime | None:
    """A date-time (with its UTC offset; with ``naive``, without one) from YAML's timestamp or text."""
    if isinstance(value, str) and ("T" in value or " " in value.strip()):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if (value.utcoffset() is None) == naive else None


# The day a check went out or changed: a date (YYYY-MM-DD), or a date-time with its UTC
# offset (2025-03-05T09:00:00-05:00), kept as the day it names there plus the instant.
Moment = Annotated[
    date,
    BeforeValidator(_refuse_numbers),
    BeforeValidator(_offset_required),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                              {"type": "string", "format": "date-time",
                               "pattern": "(Z|z|[+-][0-9]{2}:[0-9]{2})$"}]}),
]
_INSTANT_FIELDS = ("published", "updated")


# The dates of a fact check itself: a year-1 `published` was accepted and flooded the
# scoreboard (issue 21); no check was made before 1900 or will be published after 2100.
MIN_YEAR, MAX_YEAR = 1900, 2100


def _plausible(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be a date in a year from {MIN_YEAR} to {MAX_YEAR}")
    return value


CheckDay = Annotated[Day, AfterValidator(_plausible)]
CheckMoment = Annotated[Moment, AfterValidator(_plausible)]
MAX_APPEARANCES = 20
MAX_CORRECTIONS = 100
MAX_NOTE_LENGTH = 2000
ClaimId = Annotated[str, Field(pattern=ID_PATTERN)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# One URL or a list of them in the file; always a list once loaded.
Appearances = Annotated[
    list[Url],
    BeforeValidator(_one_or_many),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "uri", "pattern": "^https?://"},
                {"type": "array", "items": {"type": "string", "format": "uri", "pattern": "^https?://"}},
            ]
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Strict):
    """A document the verdict rests on."""

    title: Text
    url: Url
    publisher: Text | None = None
    date: Day | None = None
    archive_url: Url | None = Field(
        default=None, description="A snapshot of the page, e.g. on web.archive.org."
    )


class Quote(_Strict):
    """What an expert said about the claim."""

    expert: Text
    role: Text | None = None
    text: Text = Field(description="Markdown. Mark paraphrases as such.")
    source: Url | None = Field(default=None, description="Where the quote appeared.")
    stance: Literal["supports", "disputes", "context"] | None = None


class Correction(_Strict):
    """A public note of a change to the verdict or the facts."""

    date: CheckDay
    note: Annotated[Text, Field(max_length=MAX_NOTE_LENGTH)]


class Withdrawal(_Strict):
    """Why and when the desk stopped standing behind a published check (its page stays, saying so)."""

    date: Day
    note: Text = Field(description="Why the check was withdrawn, for readers.")


class Claim(_Strict):
    """One claim file. The id is the file's stem, not a field."""

    claim: Text = Field(description="The claim, as exactly as it was made.")
    headline: Text | None = Field(
        default=None, max_length=200,
        description="Optional: a headline that states the finding, shown in listings above the quoted claim.",
    )
    claimant: Text = Field(description="Who made the claim: a person or an organisation.")
    claimant_type: Literal["person", "organization"] | None = Field(
        default=None, description="Whether the claimant is a person or an organization (for ClaimReview)."
    )
    claim_date: CheckDay | None = Field(default=None, description="When the claim was made.")
    appearance: Appearances = Field(
        default_factory=list, max_length=MAX_APPEARANCES,
        description="Where the claim was made: a URL or a list of URLs."
    )
    verdict: str = Field(description="A key of the site's rating scale.")
    summary: Text = Field(description="The short answer, one to three sentences (Markdown).")
    analysis: MarkdownText = Field(default="", description="The full write-up (Markdown).")
    sources: list[Source] = Field(min_length=1, max_length=200)
    quotes: list[Quote] = Field(default_factory=list, max_length=100)
    tags: list[Text] = Field(default_factory=list, max_length=50)
    related: list[ClaimId] = Field(default_factory=list, max_length=50, description="Ids of other claims.")
    published: CheckMoment = Field(description="When this fact check was published: a date (out at midnight in the "
                              "site's timezone) or a date-time with its UTC offset (out at that instant).")
    updated: CheckMoment | None = None
    author: Text | None = Field(default=None, description="Who checked it.")
    corrections: list[Correction] = Field(default_factory=list, max_length=MAX_CORRECTIONS)
    status: Literal["draft", "review", "published", "withdrawn"] = Field(
        default="published",
        description="draft or review: kept out of every published output (shown only under mkdocs serve); "
                    "withdrawn: a published check the desk no longer stands behind (needs `withdrawn`).",
    )
    withdrawn: Withdrawal | None = Field(
        default=None, description="With status: withdrawn, the day it was withdrawn and why."
    )
    reviewed_by: list[Text] = Field(
        default_factory=list, max_length=20, description="Who reviewed this check, besides its author."
    )

    _id: str = PrivateAttr(default="")
    _path: str = PrivateAttr(default="")
    _instants: dict[str, datetime] = PrivateAttr(default_factory=dict)  # published/updated written with a time

    @model_validator(mode="wrap")
    @classmethod
    def _keep_instants(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # The fields hold the day as written (pages show it); the instant waits beside them.
        instants = {}
        if isinstance(data, dict):
            for key in _INSTANT_FIELDS:
                moment = _instant(data.get(key))
                if moment is not None:
                    instants[key] = moment
            if instants:
                data = {**data, **{key: moment.date() for key, moment in instants.items()}}
        claim = handler(data)
        if instants and isinstance(claim, Claim):
            claim._instants = instants
        return claim

    @field_validator("verdict", mode="before")
    @classmethod
    def _verdict_on_scale(cls, value: Any, info: ValidationInfo) -> Any:
        # YAML reads a bare `true`/`false` as a boolean; they are verdict keys here.
        if isinstance(value, bool):
            value = "true" if value else "false"
        scale: RatingScale = (info.context or {}).get("scale", DEFAULT_SCALE)
        if isinstance(value, str) and value.strip() not in scale:
            raise ValueError(f"unknown verdict {value.strip()!r}")
        return value.strip() if isinstance(value, str) else value

    @field_validator("appearance", "quotes", "tags", "related", "corrections", "reviewed_by", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        # `tags:` with nothing after it is YAML null; for an optional list it means "none".
        return [] if value is None else value

    # Read from pydantic's private slot directly: `self._id` goes through BaseModel.__getattr__,
    # and templates ask for ids tens of thousands of times a build.
    @property
    def id(self) -> str:
        return self.__pydantic_private__["_id"]  # type: ignore[index,no-any-return]

    @property
    def path(self) -> str:
        return self.__pydantic_private__["_path"]  # type: ignore[index,no-any-return]

    @property
    def last_changed(self) -> date:
        return self.updated or self.published

    @property
    def instants(self) -> dict[str, datetime]:
        """The fields written as a date-time (``published``, ``updated``), as those instants."""
        return dict(self.__pydantic_private__["_instants"])  # type: ignore[index]

    @property
    def published_at(self) -> datetime | None:
        """The instant ``published`` names, when it was written as a date-time (with its offset)."""
        return self.__pydantic_private__["_instants"].get("published")  # type: ignore[index,no-any-return]

    @property
    def updated_at(self) -> datetime | None:
        return self.__pydantic_private__["_instants"].get("updated")  # type: ignore[index,no-any-return]

    @property
    def published_text(self) -> str:
        """``published`` as written: 2025-03-05 or 2025-03-05T09:00:00-05:00."""
        return (self.published_at or self.published).isoformat()

    def release(self, zone: tzinfo) -> datetime:
        """When the check goes out: its date-time, or midnight of its day in the site's zone."""
        return self.published_at or datetime.combine(self.published, time(0), zone)

    def changed_at(self, zone: tzinfo) -> datetime:
        """The instant of its last change: ``updated`` (a date: midnight in ``zone``, and never
        before the release: an update on the day of a timed release came after it), else its release."""
        released = self.release(zone)
        if self.updated is None:
            return released
        return self.updated_at or max(released, datetime.combine(self.updated, time(0), zone))

    def bind(self, claim_id: str, path: str) -> Claim:
        self._id, self._path = claim_id, path
        return self


def claim_json_schema(scale: RatingScale = DEFAULT_SCALE) -> dict[str, Any]:
    """The JSON Schema of a claim file, with the verdicts of ``scale`` spelled out."""
    schema = Claim.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fact-check claim file"
    # YAML editors read a bare true/false as booleans; the loader accepts them as keys.
    booleans = [key == "true" for key in scale.keys if key in ("true", "false")]
    schema["properties"]["verdict"]["enum"] = [*scale.keys, *booleans]
    schema["properties"]["verdict"].pop("type", None)
    schema["properties"]["verdict"]["description"] = "; ".join(
        f"{r.key}: {r.description or r.label}" for r in scale
    )
    return schema
