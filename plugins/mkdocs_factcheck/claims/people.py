"""People as identities, not strings: the registry (``people.yml``) and who is who in the claims.

Takes the registry's data as YAML read it (the loader reads the file with the claim files'
YAML rules and hands over a way to locate each value) and the names the claim files write
(claimants, experts, tags, authors, reviewers, each with its file and line). Gives:

- ``registry_from``: the validated ``Registry`` and every located problem in it, in one run;
- ``resolve``: one entity per identity and kind, shown under the registry's name or else the
  spelling of the oldest published check, on one stable slug; a warning for each other
  spelling (naming both files) and an error where truly different names would share a page;
- ``Desk``: who wrote a check and who reviewed it, counted by identity (``slugs.identity_key``
  or the registry's id), never by spelling; and the errors where ``author`` or ``reviewed_by``
  name nobody on the desk.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..base.errors import ClaimError
from .model import ID_PATTERN, Claim, Day, Text, Url
from .slugs import MAX_SLUG, identity_key, lookalike_trick, name_key, name_slug, slugify, spelling_key

DEFAULT_FILE = "people.yml"
NAME_VARIANT = "name-variant"  # the warning's code (editorial.WARNINGS lists it)
PAGE_KINDS = ("claimant", "expert", "tag")  # names that get a page of their own
Position = Callable[[tuple[int | str, ...]], tuple[int, int]]  # where a value sits in people.yml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class Role(_Strict):
    """A post on the desk, from one day to another (until: still there)."""

    title: Text
    from_: Day = Field(alias="from", description="The first day in the role (YYYY-MM-DD).")
    until: Day | None = Field(default=None, description="The last day in the role; none: still in it.")


class Person(_Strict):
    """One entry of people.yml: a person or an organisation the site names more than once."""

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_SLUG,
                    description="Stable id: lower-case letters, digits and single hyphens; the page's slug.")
    name: Text = Field(description="The name as the site shows it.")
    type: Literal["person", "organization"] = "person"
    aliases: list[Text] = Field(default_factory=list, max_length=100,
                                description="Other spellings that name the same one (initials, old names).")
    desk: bool = Field(default=False, description="On the desk: may author and review checks.")
    roles: list[Role] = Field(default_factory=list, description="Posts on the desk with their dates.")
    same_as: list[Url] = Field(default_factory=list, max_length=20,
                               description="Pages that identify them: Wikidata, an official page.")

    @field_validator("aliases", "roles", "same_as", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return [] if value is None else value

    def on_desk(self, day: date) -> bool:
        """On the desk on ``day``: in a role then, or (with no roles listed) ``desk: true``."""
        if self.roles:
            return any(role.from_ <= day and (role.until is None or day <= role.until) for role in self.roles)
        return self.desk

    @property
    def spellings(self) -> list[str]:
        return [self.name, *self.aliases]


def registry_json_schema() -> dict[str, Any]:
    """The JSON Schema of people.yml (a list of entries), for editors."""
    person = Person.model_json_schema(by_alias=True)
    defs = person.pop("$defs", {})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Fact-check people registry",
            "type": "array", "items": {"$ref": "#/$defs/Person"}, "$defs": {"Person": person, **defs}}


@dataclass(frozen=True)
class Registry:
    """The valid entries of people.yml, found by id, name or alias through ``identity_key``."""

    path: str
    people: tuple[Person, ...] = ()
    _index: dict[str, Person] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for person in self.people:
            for spelling in (person.id, *person.spellings):
                self._index.setdefault(identity_key(spelling), person)

    def find(self, name: str) -> Person | None:
        return self._index.get(identity_key(name))

    def lists(self, person: Person, name: str) -> bool:
        """Whether ``name`` is written as people.yml writes one of the person's spellings."""
        return " ".join(name.split()) in {" ".join(s.split()) for s in person.spellings}

    def suggest(self, name: str) -> str:
        spellings = {s: p for p in self.people for s in p.spellings}
        near = difflib.get_close_matches(name, list(spellings), n=1, cutoff=0.6)
        return f"did you mean {near[0]!r}?" if near else f"add them to {self.path}, or write a name it lists"

    @cached_property
    def digest(self) -> str:
        """Changes whenever an entry does (for the keys of reused pages; made once: every claim
        page's key asks)."""
        return hashlib.sha256(repr(self.people).encode()).hexdigest()


def registry_from(data: Any, shown: str, position: Position) -> tuple[Registry, list[ClaimError]]:
    """The registry in ``data`` (a list of entries) and every problem in it, located."""
    if data is None:
        return Registry(shown), []
    if not isinstance(data, list):
        return Registry(shown), [ClaimError(shown, *position(()), "people.yml must be a list of entries",
                                            "start each entry with `- id: ...`")]
    people: list[tuple[int, Person]] = []  # (index in the list, entry)
    errors: list[ClaimError] = []
    for index, item in enumerate(data):
        try:
            people.append((index, Person.model_validate(item)))
        except ValidationError as exc:
            errors.extend(_explain(error, index, shown, position) for error in exc.errors()[:20])
    errors.extend(_registry_clashes(people, shown, position))
    for index, person in people:
        for number, role in enumerate(person.roles):
            if role.until is not None and role.until < role.from_:
                errors.append(ClaimError(shown, *position((index, "roles", number, "until")),
                                         f"{person.id}: the role {role.title!r} ends ({role.until}) before it "
                                         f"starts ({role.from_})", "correct one of the two dates"))
    return Registry(shown, tuple(person for _, person in people)), errors


def _registry_clashes(people: list[tuple[int, Person]], shown: str, position: Position) -> Iterator[ClaimError]:
    """Two entries with one id, or one spelling (as identities go) in two entries."""
    ids: dict[str, int] = {}
    owner: dict[str, Person] = {}
    for index, person in people:
        if person.id in ids:
            yield ClaimError(shown, *position((index, "id")),
                             f"the id {person.id!r} is also used by entry {ids[person.id] + 1}",
                             "give each person one entry with an id of its own")
            continue
        ids[person.id] = index
        if person.id == "index":
            yield ClaimError(shown, *position((index, "id")), "the id 'index' is the address of the list of all",
                             "write the name in full as the id")
        for spelling in dict.fromkeys((person.id, *person.spellings)):
            other = owner.setdefault(identity_key(spelling), person)
            if other is not person:
                yield ClaimError(shown, *position((index, "name")),
                                 f"{person.id}: {spelling!r} is also a spelling of {other.id!r}",
                                 "merge the two entries, or remove the spelling from one of them")


def _explain(error: Any, index: int, shown: str, position: Position) -> ClaimError:
    loc = (index, *error["loc"])
    line, column = position(loc)
    where = ".".join(str(part) for part in error["loc"]) or "the entry"
    entry = f"entry {index + 1}"
    kind = error["type"]
    if kind == "missing":
        return ClaimError(shown, line, column, f"{entry}: missing required key {where!r}",
                          f"add `{where.rsplit('.', 1)[-1]}:`")
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        allowed = [f.alias or n for n, f in (Role if "roles" in error["loc"] else Person).model_fields.items()]
        near = difflib.get_close_matches(name, allowed, n=1)
        return ClaimError(shown, line, column, f"{entry}: unknown key {name!r}",
                          f"did you mean {near[0]!r}?" if near else f"allowed keys: {', '.join(allowed)}")
    if kind == "string_pattern_mismatch" and where == "id":
        value = str(error.get("input"))
        return ClaimError(shown, line, column, f"{entry}: the id {value!r} is not a valid id",
                          f"write lower-case letters, digits and single hyphens, e.g. {slugify(value) or 'ana-ruiz'!r}")
    if (kind == "value_error" and "http" in error["msg"]) or kind == "string_pattern_mismatch":
        return ClaimError(shown, line, column, f"{entry}: {where!r} is not an http(s) URL: "
                          f"{str(error.get('input'))[:80]!r}", "write the full address starting with https://")
    if kind.startswith("date") or "YYYY-MM-DD" in error["msg"]:
        return ClaimError(shown, line, column, f"{entry}: {where!r} is not a date: {error.get('input')!r}",
                          "write it as YYYY-MM-DD")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return ClaimError(shown, line, column, f"{entry}: {where!r} cannot be {error.get('input')!r}",
                          f"write one of: {expected}")
    return ClaimError(shown, line, column, f"{entry}: {where!r}: {error['msg'].removeprefix('Value error, ')}",
                      "see the README's people registry section")


# --- Names as the claim files write them --------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A name as written in one claim file."""

    kind: str  # "claimant", "expert" or "tag" (each has pages), "author" or "reviewer"
    name: str
    path: str
    line: int
    column: int
    published: date = date.min
    public: bool = True  # status: published

    def rank(self) -> tuple[bool, bool, date, str, int]:
        """Which spelling titles an entity: a clean one before a look-alike trick, a published
        check before a draft, the oldest published date, then the file's name."""
        return (lookalike_trick(self.name), not self.public, self.published, self.path, self.line)


def mentions_of(claim: Claim, positions: dict[tuple[str, int], tuple[int, int]] | None = None) -> list[Mention]:
    """The page-owning names of one claim (claimant, experts, tags), each at its place if known."""
    where = positions or {}
    public = claim.status == "published"
    names = [("claimant", 0, claim.claimant), *(("expert", i, q.expert) for i, q in enumerate(claim.quotes)),
             *(("tag", i, tag) for i, tag in enumerate(claim.tags))]
    return [Mention(kind, name, claim.path, *where.get((kind, i), (1, 1)), claim.published, public)
            for kind, i, name in names]


@dataclass
class Identity:
    """One person, organisation or tag of one kind: every spelling, the one shown, its page's slug."""

    kind: str
    key: str
    shown: str = ""
    slug: str = ""
    person: Person | None = None
    spellings: dict[str, Mention] = field(default_factory=dict)  # spelling -> its first mention
    mentions: list[Mention] = field(default_factory=list)  # every one, first first


@dataclass
class Names:
    """Every identity the claims name, found by kind and spelling."""

    identities: dict[tuple[str, str], Identity] = field(default_factory=dict)
    registry: Registry | None = None

    def of(self, kind: str, name: str) -> Identity | None:
        return self.identities.get((kind, group_key(kind, name, self.registry)))

    def slug(self, kind: str, name: str) -> str:
        found = self.of(kind, name)
        return found.slug if found else name_slug(name_key(name), kind)

    def shown(self, kind: str, name: str) -> str:
        found = self.of(kind, name)
        return found.shown if found else " ".join(name.split())

    def person(self, kind: str, name: str) -> Person | None:
        found = self.of(kind, name)
        return found.person if found else None


def group_key(kind: str, name: str, registry: Registry | None) -> str:
    """What one identity of ``kind`` is keyed by: the registry's id, else the name's identity
    key (tags: the spelling key, since C and C# are two tags; tags are not in the registry)."""
    if kind == "tag":
        return spelling_key(name)
    person = registry.find(name) if registry else None
    return "@" + person.id if person else identity_key(name)


def resolve(mentions: Iterable[Mention], registry: Registry | None = None,
            strict: bool = False) -> tuple[Names, list[ClaimError], list[ClaimError]]:
    """(names, errors, warnings): one identity per kind and key; an error in each file where
    different identities would share a page; a warning for each spelling that is not the one
    shown (raised to an error with ``strict``)."""
    names = Names(registry=registry)
    for mention in sorted(mentions, key=Mention.rank):
        key = group_key(mention.kind, mention.name, registry)
        identity = names.identities.setdefault((mention.kind, key), Identity(mention.kind, key))
        identity.spellings.setdefault(mention.name, mention)
        identity.mentions.append(mention)
    for identity in names.identities.values():
        first = next(iter(identity.spellings.values()))
        identity.person = registry.find(first.name) if registry and identity.key.startswith("@") else None
        identity.shown = identity.person.name if identity.person else " ".join(first.name.split())
    errors = list(_assign_slugs(names))
    warnings = [w.as_error() if strict else w for w in _variants(names)]
    return names, errors, warnings


def _assign_slugs(names: Names) -> Iterator[ClaimError]:
    """Each identity's slug: the registry's id, else the slug of the spelling shown (so a new
    spelling of a published name never moves its page). Identities that would share a slug are
    an error in each file, naming the others; they get -2, -3 ... so a preview still builds."""
    by_slug: dict[tuple[str, str], list[Identity]] = {}
    for identity in names.identities.values():
        base = identity.person.id if identity.person else name_slug(name_key(identity.shown), identity.kind)
        by_slug.setdefault((identity.kind, base), []).append(identity)
    taken: set[tuple[str, str]] = {(kind, "index") for kind in PAGE_KINDS}
    for (kind, base), group in sorted(by_slug.items()):
        group.sort(key=lambda i: next(iter(i.spellings.values())).rank())
        if base == "index":
            for identity in group:
                first = next(iter(identity.spellings.values()))
                yield ClaimError(first.path, first.line, first.column,
                                 f"the {kind} name {first.name!r} would take the address of the list of all {kind}s",
                                 "write the name in full")
        if len(group) > 1:
            uses = [next(iter(i.spellings.values())) for i in group]
            for use in uses:
                others = "; ".join(f"{o.name!r} in {o.path}:{o.line}" for o in uses if o is not use)
                yield ClaimError(use.path, use.line, use.column,
                                 f"the {kind} {use.name!r} would share its page ({kind}s/{base}/) with {others}",
                                 "if they are one, list both spellings under one entry of people.yml; if not, "
                                 "tell them apart with more than punctuation or accents")
        for identity in group:
            slug, n = base, 1
            while (kind, slug) in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add((kind, slug))
            identity.slug = slug


def _variants(names: Names) -> Iterator[ClaimError]:
    """A warning in every file that writes a spelling other than the one shown, naming the file
    it comes from (with a registry: every spelling that people.yml does not list)."""
    registry = names.registry
    for identity in names.identities.values():
        canonical = identity.mentions[0]
        for mention in identity.mentions:
            if identity.person is not None and registry is not None:
                if registry.lists(identity.person, mention.name):
                    continue
                origin = f"{registry.path}: {identity.person.id}"
            elif mention.name == canonical.name:
                continue
            else:
                origin = f"as in {canonical.path}:{canonical.line}"
            tricky = lookalike_trick(mention.name)
            trick = " (written with invisible characters or look-alike letters)" if tricky else ""
            fix = "" if identity.kind == "tag" else ", or list the spelling in people.yml's aliases"
            yield ClaimError(mention.path, mention.line, mention.column,
                             f"the {identity.kind} {mention.name!r}{trick} is shown as {identity.shown!r} "
                             f"({origin}): one {identity.kind}, one page ({identity.kind}s/{identity.slug}/)",
                             f"write {identity.shown!r} in every file{fix}", NAME_VARIANT, "warning")


# --- Who wrote and who reviewed a check --------------------------------------------------


@dataclass(frozen=True)
class Desk:
    """The site's default author and registry: who counts as whom for authorship and review."""

    default_author: str = ""
    registry: Registry | None = None

    def author(self, claim: Claim) -> str:
        """The check's author: its own, or the site's default author."""
        return claim.author or self.default_author

    def identity(self, name: str) -> str:
        person = self.registry.find(name) if self.registry else None
        return "@" + person.id if person else identity_key(name)

    def shown(self, name: str) -> str:
        person = self.registry.find(name) if self.registry else None
        return person.name if person else " ".join(name.split())

    def review(self, claim: Claim) -> tuple[list[str], list[tuple[str, str]]]:
        """(the reviewers who count, each once, as shown; the names that do not, with why).
        The author never counts; a reviewer written twice counts once; with a registry, only
        desk members count; without one, a name that slugs like one already counted (accents,
        dotless i) is taken for it too."""
        author = self.author(claim)
        seen = {self.identity(author): "the author"} if author else {}
        slugs = {slugify(author): "the author"} if author and not self.registry else {}
        counted: list[str] = []
        skipped: list[tuple[str, str]] = []
        for name in claim.reviewed_by:
            identity = self.identity(name)
            person = self.registry.find(name) if self.registry else None
            same = seen.get(identity) or (slugs.get(slugify(name)) if slugify(name) else None)
            if same:
                skipped.append((name, same))
            elif self.registry is not None and (person is None or not person.on_desk(claim.published)):
                skipped.append((name, "not on the desk"))
            else:
                counted.append(self.shown(name))
                seen[identity] = f"the same as {name!r}"
                if not self.registry and slugify(name):
                    slugs[slugify(name)] = f"the same as {name!r}"
        return counted, skipped

    def problems(self, claim: Claim, uses: Iterable[Mention]) -> Iterator[ClaimError]:
        """With a registry: an error where ``author`` or ``reviewed_by`` names someone people.yml
        does not list, or does not list on the desk on the check's published date."""
        if self.registry is None:
            return
        for use in uses:
            if use.kind not in ("author", "reviewer"):
                continue
            field_name = "author" if use.kind == "author" else "reviewed_by"
            person = self.registry.find(use.name)
            if person is None:
                yield ClaimError(use.path, use.line, use.column,
                                 f"{field_name}: {use.name!r} is not in {self.registry.path}",
                                 self.registry.suggest(use.name), "not-on-desk")
            elif not person.on_desk(claim.published):
                yield ClaimError(use.path, use.line, use.column,
                                 f"{field_name}: {person.name!r} ({person.id}) is not on the desk on "
                                 f"{claim.published} (published)",
                                 f"give {person.id} `desk: true` or a role that covers that day in "
                                 f"{self.registry.path}", "not-on-desk")

    def default_author_problem(self) -> ClaimError | None:
        """With a registry: an error when the default author (which checks without ``author``
        are credited to) is not on the desk."""
        if self.registry is None or not self.default_author:
            return None
        person = self.registry.find(self.default_author)
        if person is not None and (person.desk or person.roles):
            return None
        return ClaimError(self.registry.path, 1, 1,
                          f"checks without `author` are credited to the site's default author "
                          f"{self.default_author!r}, who is not on the desk in {self.registry.path}",
                          "add an entry for it with `desk: true` (type: organization for the desk itself), "
                          "or set the plugin's default_author to a desk member", "not-on-desk")
