"""Claim files in, validated claims and located errors out.

Reads every ``*.yml``/``*.yaml`` under the claims folder with PyYAML's safe
loader, keeps the YAML node tree long enough to put a line and column on every
problem, validates with the pydantic model, then checks what needs all files at
once (duplicate ids, ``related`` ids that name no claim, who is who: ``people``), then
the site's editorial rules (``editorial``). The site's people registry (``people.yml``)
is read here too, with the same YAML rules and located errors. Nothing is raised for bad
content: every problem comes back in ``ClaimSet.errors``, every editorial warning in
``ClaimSet.warnings``.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..base import parallel
from ..base.errors import ClaimError
from . import citations, editorial, people
from . import parsed as parsed_cache
from .model import ID_PATTERN, OFFSET_MISSING, Claim, claim_id_problem
from .scale import RatingScale
from .urls import MAX_ID_LENGTH, RESERVED_IDS, is_device_name

CLAIM_SUFFIXES = (".yml", ".yaml")
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 12
MAX_ERRORS_PER_FILE = 50
# What PyYAML's constructors raise on a value they cannot build: `2025-13-45` (ValueError),
# `!!timestamp soon` (AttributeError), `!!bool maybe` (KeyError), a 5,000-digit number.
_UNREADABLE = (ValueError, TypeError, AttributeError, KeyError, OverflowError)
_BOOL = "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"
MAX_SUGGESTIONS = 20  # "did you mean" for this many unknown related ids per run: each costs a scan of all ids
# Files a claims folder may hold besides claims (reported otherwise, so nothing is dropped silently).
NOT_CLAIMS = frozenset({"README.md", ".gitkeep", ".gitignore", ".git", ".DS_Store", "Thumbs.db", "desktop.ini"})


# libyaml's event parser is ten times faster than PyYAML's pure-Python one and keeps
# its state on the heap; we compose the nodes in Python so the checks below apply.
_PARSING: tuple[type, ...] = (
    (yaml.cyaml.CParser,) if yaml.__with_libyaml__  # type: ignore[attr-defined]
    else (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)
)


class ClaimYamlLoader(yaml.composer.Composer, *_PARSING,  # type: ignore[misc]
                      yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe loading with YAML 1.2 booleans, no aliases and bounded nesting.

    YAML 1.1 reads ``no``, ``off`` and ``yes`` as booleans, which would turn a
    verdict or a name into ``False`` without a word; here only true/false are.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class-level table)
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        _PARSING[0].__init__(self, stream)  # type: ignore[misc]  # CParser, or Reader
        for parsing in _PARSING[1:]:  # Scanner and Parser
            parsing.__init__(self)  # type: ignore[misc]
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in claim files", mark)
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(None, None, "YAML anchors (&name) are not allowed in claim files", mark)
        # An explicit tag changes what a value is (!!binary hides text from reviewers,
        # !!set makes a mapping a set): a claim file is plain text, lists and mappings.
        if getattr(event, "tag", None):
            raise yaml.composer.ComposerError(
                None, None, f"the YAML tag {_short_tag(event.tag)} is not allowed in claim files", mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"the YAML is nested more than {MAX_DEPTH} levels deep", mark)
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                # `<<` defeats duplicate-key checks, and YAML tools disagree on which value wins.
                if key.tag == _MERGE:
                    raise yaml.composer.ComposerError(
                        None, None, "YAML merge keys (<<) are not allowed in claim files", key.start_mark)
        return node


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


ClaimYamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class FileResult:
    """What one file gave: its claim (if valid), its errors, and where its `related` ids sit."""

    claim: Claim | None
    errors: list[ClaimError]
    related_marks: list[tuple[int, int]] = field(default_factory=list)
    marks: editorial.Marks = field(default_factory=dict)  # where the editorial rules point
    names: list[NameUse] = field(default_factory=list)

    def to_json(self) -> dict[str, Any] | None:
        """A valid file's result for the on-disk cache (``parsed``); None for one with errors."""
        claim = self.claim
        if claim is None or self.errors:
            return None
        # The fields that were set, so the export and the rules see the same; a day written
        # with its time as that instant, as the file had it.
        data = claim.model_dump(mode="json", exclude_unset=True)
        data.update({key: moment.isoformat() for key, moment in claim.instants.items()})
        return {"claim": data, "related": self.related_marks, "marks": self.marks,
                "names": [[use.kind, use.name, use.line, use.column] for use in self.names]}

    @classmethod
    def from_json(cls, entry: Any, shown: str, claim_id: str, scale: RatingScale) -> FileResult | None:
        """The result ``to_json`` gave, validated again as a file's data is; None for an entry
        that is damaged, or that this file could not have given (its name is not an id)."""
        if claim_id_problem(claim_id):
            return None
        try:
            claim = Claim.model_validate(entry["claim"], context={"scale": scale})
            related = [(int(line), int(column)) for line, column in entry["related"]]
            marks = {str(name): (int(mark[0]), int(mark[1])) for name, mark in entry["marks"].items()}
            names = [NameUse(str(kind), str(name), int(line), int(column))
                     for kind, name, line, column in entry["names"]]
        except (ValidationError, TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None
        if citations.problems(claim) or len(related) != len(claim.related):
            return None
        return cls(claim.bind(claim_id, shown), [], related, marks, names)


@dataclass(frozen=True)
class NameUse:
    """A name as written in one file: a claimant, expert or tag (each gets a page of its own),
    the author or a reviewer."""

    kind: str  # "claimant", "expert", "tag", "author" or "reviewer"
    name: str
    line: int
    column: int


class RecordCheck(Protocol):
    """Checks a load's claims against what was published before; gives the violations."""

    def __call__(self, claim_set: ClaimSet, current: list[tuple[Claim, editorial.Marks]], claims_dir: Path,
                 shown_dir: str) -> list[ClaimError]: ...


@dataclass
class ClaimSet:
    """Every valid claim by id, in id order, and every problem found."""

    claims: dict[str, Claim]
    errors: list[ClaimError]
    files: int = 0
    warnings: list[ClaimError] = field(default_factory=list)
    record: Any = None  # record.Record, when the load read the published record from git
    history_note: str = ""  # why the record could not be read ("" when it was, or was not asked for)
    names: people.Names = field(default_factory=people.Names)  # who is who, for the catalog's pages
    desk: people.Desk = field(default_factory=people.Desk)  # the default author and registry used

    @property
    def ok(self) -> bool:
        return not self.errors


class ClaimLoader:
    """Loads a claims folder; keeps per-file results keyed by content so that a
    long-lived loader (``mkdocs serve``) re-validates only the files that changed."""

    def __init__(self, scale: RatingScale, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 policy: editorial.Policy | None = None, workers: int | None = None,
                 record: RecordCheck | None = None, people_file: Path | None = None) -> None:
        self.scale = scale
        self.record = record  # checks the files against the published record (record.RecordCheck)
        self.max_bytes = max_bytes
        self.policy = policy or editorial.Policy()
        self.people_file = people_file  # people.yml, read when it exists
        self.workers = workers  # processes for parsing (None: auto; see parallel.worker_count)
        self._cache: dict[tuple[str, str], tuple[str, FileResult]] = {}
        # The last build's valid results on disk (``parsed``), for a loader that loads once (a
        # build): files unchanged since are not parsed again.
        self.parsed_file: Path | None = None
        self.parsed = 0  # files actually parsed, for tests and the benchmark
        self.reused = 0  # files whose result came from ``parsed_file``

    def load(self, claims_dir: Path, base_dir: Path | None = None, *, site_root: Path | None = None) -> ClaimSet:
        """Every claim under ``claims_dir``; with ``site_root``, a claims folder that resolves
        outside it (a symbolic link to ``..`` or ``/``) is refused before anything is read."""
        base = base_dir or claims_dir.parent
        root = claims_dir.resolve()
        if not claims_dir.is_dir():
            error = ClaimError(_display(claims_dir, base), 0, 0, "the claims folder does not exist",
                               "create it or set the plugin's claims_dir option")
            return ClaimSet({}, [error])
        if site_root is not None and (root == site_root.resolve() or not root.is_relative_to(site_root.resolve())):
            error = ClaimError(_display(claims_dir, base), 0, 0,
                               "the claims folder is not a folder inside the site's folder (a symbolic link?)",
                               "make claims_dir a real folder next to mkdocs.yml")
            return ClaimSet({}, [error])
        found: dict[str, FileResult | None] = {}
        others: list[ClaimError] = []
        to_parse: list[tuple[str, str, str, bytes]] = []  # (shown, id, digest, bytes) of new or changed files
        cache_key = parsed_cache.cache_key(self.scale, self.max_bytes) if self.parsed_file else ""
        last = parsed_cache.load(self.parsed_file, cache_key) if self.parsed_file else {}
        keep: parsed_cache.Entries = {}  # this load's valid results, for the next
        for path, is_claim in folder_entries(claims_dir):
            shown = _display(path, base)
            if not is_claim:
                others.append(_not_published(path, shown))
                continue
            read = self._read_file(path, shown, root)
            if not isinstance(read, FileResult) and last:
                read = self._reuse(last, keep, shown, path.stem, read)
            if isinstance(read, FileResult):
                found[shown] = read
            else:
                found[shown] = None  # keeps the folder's order: parsed below
                to_parse.append((shown, path.stem, *read))
        # Each file on its own: in worker processes when there are enough of them.
        parse = functools.partial(_parse_entry, scale=self.scale, max_bytes=self.max_bytes)
        parsed = parallel.pmap(parse, to_parse, parallel.worker_count(self.workers, len(to_parse)),
                               "claim files parsed")
        self.parsed += len(to_parse)
        for (shown, _, digest, _), result in zip(to_parse, parsed, strict=True):
            found[shown] = result
            self._cache[(shown, digest)] = (digest, result)
            entry = result.to_json() if self.parsed_file else None
            if entry is not None:
                keep[parsed_cache.entry_key(shown, digest)] = entry
        if self.parsed_file is not None and keep.keys() != last.keys():
            parsed_cache.save(self.parsed_file, cache_key, keep)
        del last, keep
        results = {shown: result for shown, result in found.items() if result is not None}
        self._cache = {key: value for key, value in self._cache.items() if key[0] in results}
        registry, registry_errors = self.read_people(base)
        policy = replace(self.policy, desk=replace(self.policy.desk, registry=registry))
        claim_set = _link(results, self.scale, registry, people.NAME_VARIANT in policy.strict)
        claim_set.desk = policy.desk
        # Outside the per-file cache: rules about today's date must be checked on every build.
        errors, warnings = editorial.review_all(
            ((r.claim, r.marks) for r in results.values() if r.claim), policy)
        errors += _desk_problems(results, policy.desk)
        claim_set.warnings = sorted([*claim_set.warnings, *warnings])
        if self.record is not None:  # git is read only where the record is asked for
            errors += self.record(claim_set, [(r.claim, r.marks) for r in results.values() if r.claim],
                                  claims_dir, _display(claims_dir, base))
        claim_set.errors = sorted([*claim_set.errors, *errors, *others, *registry_errors])
        return claim_set

    def read_people(self, base: Path) -> tuple[people.Registry | None, list[ClaimError]]:
        """The people registry (None when the site has none) and its problems, located."""
        path = self.people_file
        if path is None or not path.is_file():
            return None, []
        shown = _display(path, base)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return None, [ClaimError(shown, 0, 0, f"cannot read the file: {exc.strerror}", "check its permissions")]
        if len(raw) > self.max_bytes:
            return None, [ClaimError(shown, 0, 0, f"the file is over {self.max_bytes:,} bytes", "shorten it")]
        node, data, problems = read_yaml(raw, shown)
        if problems:
            return None, problems
        registry, errors = people.registry_from(data, shown, lambda loc: _position(node, loc) if node else (1, 1))
        return registry, errors

    def forget(self) -> None:
        """Let go of the per-file results (each file's claim, errors and positions): the next
        load parses every file again."""
        self._cache = {}

    def _reuse(self, last: parsed_cache.Entries, keep: parsed_cache.Entries, shown: str, claim_id: str,
               read: tuple[str, bytes]) -> FileResult | tuple[str, bytes]:
        """The file's result from the last build's (``last``, kept again in ``keep``), else ``read``."""
        key = parsed_cache.entry_key(shown, read[0])
        entry = last.get(key)
        result = FileResult.from_json(entry, shown, claim_id, self.scale) if entry is not None else None
        if result is None:
            return read
        keep[key] = entry
        self.reused += 1
        return result

    def _read_file(self, path: Path, shown: str, root: Path) -> FileResult | tuple[str, bytes]:
        """The file's result when it is known without parsing (unreadable, too big, unchanged
        since the last load), else its (digest, bytes) to parse."""
        escape = _outside(path, root)
        if escape:
            return FileResult(None, [ClaimError(shown, 0, 0, escape, "keep claim files inside the claims folder")])
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                return FileResult(None, [ClaimError(
                    shown, 0, 0, f"the file is {size:,} bytes, over the limit of {self.max_bytes:,}",
                    "shorten it, or raise the plugin's max_file_bytes option")])
            raw = path.read_bytes()
        except OSError as exc:
            return FileResult(None, [ClaimError(shown, 0, 0, f"cannot read the file: {exc.strerror}",
                                                "check its permissions")])
        digest = hashlib.sha256(raw).hexdigest()
        cached = self._cache.get((shown, digest))
        if cached:
            return cached[1]
        return digest, raw


def _parse_entry(entry: tuple[str, str, str, bytes], *, scale: RatingScale, max_bytes: int) -> FileResult:
    shown, claim_id, _, raw = entry
    return _with_cited_sources(parse_claim(raw, shown, claim_id, scale, max_bytes), raw)


def _with_cited_sources(result: FileResult, raw: bytes) -> FileResult:
    """The result, or the file's errors when its summary or analysis cites a source it does
    not list (``[^5]`` with four sources): each located at the citation, all in one run."""
    claim = result.claim
    bad = citations.problems(claim) if claim is not None else []
    if claim is None or not bad:
        return result
    text = raw.decode("utf-8-sig")
    node, _ = _compose(text, claim.path)
    errors = []
    for problem in bad:
        line, column = _citation_position(text, node, problem.field, problem.index) if node is not None else (1, 1)
        errors.append(ClaimError(claim.path, line, column, *_citation_problem(problem, len(claim.sources))))
    return FileResult(None, _capped(sorted(errors), claim.path, len(errors)))


def _citation_problem(problem: citations.Problem, count: int) -> tuple[str, str]:
    """(message, hint) for a citation the loader refuses."""
    number, where = problem.found.number, problem.field
    code = "; to write [^N] as text, put it in `backticks`"
    if problem.definition:
        return (f"{where}: [^{number}]: at the start of a line is a Markdown link definition, not a source: "
                f"it would vanish and make every [^{number}] a link",
                "list the source under `sources:` and cite it with [^N] in the text" + code)
    numbered = f"1 to {count}" if count > 1 else "1"
    hint = ("sources are numbered from 1: [^1] cites the first" if number == 0 else
            f"cite a source by its number in `sources:` ({numbered}), or add the source it means")
    return (f"{where} cites source {number} ([^{number}]), but the check lists {count} "
            f"source{'s' if count != 1 else ''}", hint + code)


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break


def _citation_position(text: str, root: yaml.Node, field_name: str, index: int) -> tuple[int, int]:
    """(line, column) in the file of the ``index``-th ``[^N]`` of a field: found in the field's
    source text (a block, folded, plain or quoted scalar), or the field's start when escapes
    make the written form differ from the value."""
    node, _ = _find(root, (field_name,))
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    begin = starts[node.start_mark.line] + node.start_mark.column
    end = starts[node.end_mark.line] + node.end_mark.column if node.end_mark.line < len(starts) else len(text)
    written = list(citations.CITATION.finditer(text, begin, end))
    if len(written) != len(citations.CITATION.findall(str(node.value))):
        return node.start_mark.line + 1, node.start_mark.column + 1
    offset = written[index].start()
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def parse_claim(raw: bytes, shown: str, claim_id: str, scale: RatingScale,
                max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Parse and validate one claim file's bytes."""
    if len(raw) > max_bytes:
        return FileResult(None, [ClaimError(shown, 0, 0, f"the file is over {max_bytes:,} bytes",
                                            "shorten it")])
    errors: list[ClaimError] = []
    bad_id = claim_id_problem(claim_id)
    if bad_id:
        hint = ("rename the file to a longer id that says what the claim is about"
                if claim_id in RESERVED_IDS or len(claim_id) > MAX_ID_LENGTH or is_device_name(claim_id) else
                f"rename the file to {_suggest_id(claim_id)}.yml: lower-case letters, digits and single hyphens")
        errors.append(ClaimError(shown, 1, 1, f"the file name {claim_id!r} {bad_id}", hint))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        return FileResult(None, [*errors, ClaimError(
            shown, line, column, "the file is not valid UTF-8", "save it with UTF-8 encoding")])
    node, problem = _compose(text, shown)
    if problem:
        return FileResult(None, [*errors, problem])
    if node is None:
        return FileResult(None, [*errors, ClaimError(
            shown, 1, 1, "the file is empty", "write the claim's fields; see CONTRIBUTING.md")])
    if not isinstance(node, yaml.MappingNode):
        return FileResult(None, [*errors, _at(shown, node, "the file must be a mapping of keys to values, "
                                      f"not a {_kind(node)}", "start each line with a key, e.g. `claim: ...`")])
    errors.extend(_duplicate_keys(node, shown))
    data, problem = _construct(node, shown)
    if problem:
        return FileResult(None, [*errors, problem])
    try:
        claim = Claim.model_validate(data, context={"scale": scale})
    except ValidationError as exc:
        details = _dedupe(exc.errors())
        errors.extend(_explain(error, node, shown, scale) for error in details[:MAX_ERRORS_PER_FILE])
        return FileResult(None, _capped(errors, shown, len(errors) + len(details[MAX_ERRORS_PER_FILE:])))
    if errors:
        return FileResult(None, errors)
    related_marks = [_position(node, ("related", i)) for i in range(len(claim.related))]
    names = [NameUse("claimant", claim.claimant, *_position(node, ("claimant",)))]
    names += [NameUse("expert", q.expert, *_position(node, ("quotes", i, "expert")))
              for i, q in enumerate(claim.quotes)]
    names += [NameUse("tag", tag, *_position(node, ("tags", i))) for i, tag in enumerate(claim.tags)]
    names += [NameUse("author", claim.author, *_position(node, ("author",)))] if claim.author else []
    names += [NameUse("reviewer", name, *_position(node, ("reviewed_by", i)))
              for i, name in enumerate(claim.reviewed_by)]
    return FileResult(claim.bind(claim_id, shown), [], related_marks, editorial.locate(node), names)


@dataclass(frozen=True)
class Facts:
    """What one version of a claim file says that its published record keeps: read from
    git history (``history``), compared by the record rules (``record``)."""

    FORMAT = 2  # of ``to_json``, for the on-disk cache

    status: str
    verdict: str
    published: date
    corrections: tuple[tuple[date, str], ...] = ()
    withdrawn: tuple[date, str] | None = None
    published_at: datetime | None = None  # when `published` was written as a date-time

    def release(self, zone: tzinfo) -> datetime:
        """When this version would go out: its instant, or midnight of its day in ``zone``."""
        return self.published_at or datetime.combine(self.published, time(0), zone)

    def to_json(self) -> list[Any]:
        return [self.status, self.verdict, self.published.isoformat(),
                [[d.isoformat(), note] for d, note in self.corrections],
                [self.withdrawn[0].isoformat(), self.withdrawn[1]] if self.withdrawn else None,
                self.published_at.isoformat() if self.published_at else None]

    @classmethod
    def from_json(cls, entry: Any) -> Facts | None:
        try:
            status, verdict, published, corrections, withdrawn, published_at = entry
            return cls(str(status), str(verdict), date.fromisoformat(published),
                       tuple((date.fromisoformat(d), str(n)) for d, n in corrections),
                       (date.fromisoformat(withdrawn[0]), str(withdrawn[1])) if withdrawn else None,
                       datetime.fromisoformat(published_at) if published_at else None)
        except (TypeError, ValueError):
            return None  # a damaged entry: read from git again next time


def version_facts(raw: bytes, scale: RatingScale) -> Facts | None:
    """The facts of one version of a claim file, read exactly as the build reads it, or None
    when the build would refuse that version (it was never published as it stands)."""
    result = parse_claim(raw, "", "history", scale)
    claim = result.claim
    if claim is None:
        return None
    return Facts(claim.status, claim.verdict, claim.published,
                 tuple((c.date, c.note) for c in claim.corrections),
                 (claim.withdrawn.date, claim.withdrawn.note) if claim.withdrawn else None, claim.published_at)


def field_position(path: Path, key: str) -> tuple[int, int]:
    """(line, column) of a top-level field of a claim file the loader accepted ((1, 1) if it
    is not there any more), for findings made after loading (a share card that failed)."""
    try:
        node, problem = _compose(path.read_bytes().decode("utf-8-sig"), "")
    except (OSError, UnicodeDecodeError):
        return 1, 1
    marks = editorial.locate(node) if node is not None and not problem else {}
    return marks.get(key, (1, 1))


def _capped(errors: list[ClaimError], shown: str, total: int) -> list[ClaimError]:
    """At most MAX_ERRORS_PER_FILE errors: a file of 30,000 bad keys needs fixing, not a
    30,000-line report (and explaining each error costs a search of the file)."""
    if total <= MAX_ERRORS_PER_FILE:
        return errors
    kept = sorted(errors)[:MAX_ERRORS_PER_FILE]
    return [*kept, ClaimError(shown, kept[-1].line, kept[-1].column,
                              f"and {total - MAX_ERRORS_PER_FILE:,} more problems in this file",
                              "fix the ones above first")]


def read_yaml(raw: bytes, shown: str) -> tuple[yaml.Node | None, Any, list[ClaimError]]:
    """(node tree, values, problems) of a YAML file read with the claim files' rules (safe,
    YAML 1.2 booleans, no aliases, tags or merge keys, no duplicate keys), for other files the
    site keeps beside its claims (people.yml)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, None, [ClaimError(shown, line, 1, "the file is not valid UTF-8", "save it with UTF-8 encoding")]
    node, problem = _compose(text, shown)
    if problem or node is None:
        return None, None, [problem] if problem else []
    duplicates = list(_duplicate_keys(node, shown))
    if duplicates:
        return node, None, duplicates
    data, problem = _construct(node, shown)
    return node, data, [problem] if problem else []


def _desk_problems(results: dict[str, FileResult], desk: people.Desk) -> list[ClaimError]:
    """With a registry: authors and reviewers that name nobody on the desk, and a default author
    who is not on it while some check has no author of its own."""
    errors: list[ClaimError] = []
    unsigned = False
    for shown, result in results.items():
        claim = result.claim
        if claim is None:
            continue
        unsigned = unsigned or not claim.author
        uses = [people.Mention(u.kind, u.name, shown, u.line, u.column) for u in result.names]
        errors.extend(desk.problems(claim, uses))
    problem = desk.default_author_problem() if unsigned else None
    return [*errors, problem] if problem else errors


def _link(results: dict[str, FileResult], scale: RatingScale, registry: people.Registry | None = None,
          strict_names: bool = False) -> ClaimSet:
    """Checks that need every file: one file per id, `related` ids that exist, one name per page."""
    errors = [error for result in results.values() for error in result.errors]
    by_id: dict[str, list[str]] = {}
    for shown, result in results.items():
        if result.claim:
            by_id.setdefault(result.claim.id, []).append(shown)
    known = set(by_id)
    # An invalid file still owns its id: don't also blame claims that relate to it.
    known |= {Path(shown).stem for shown, result in results.items() if not result.claim}
    for claim_id, paths in by_id.items():
        if len(paths) > 1:
            for shown in paths:
                others = ", ".join(p for p in paths if p != shown)
                errors.append(ClaimError(shown, 1, 1, f"the claim id {claim_id!r} is also used by {others}",
                                         "give one of the files another name; ids must be unique"))
    suggest = _Suggestions(known)
    late: dict[str, list[ClaimError]] = {}  # problems found here, by file
    for shown, result in results.items():
        claim = result.claim
        if claim is None or len(by_id[claim.id]) > 1:
            continue
        for other, (line, column) in zip(claim.related, result.related_marks, strict=True):
            if other == claim.id:
                late.setdefault(shown, []).append(ClaimError(
                    shown, line, column, "a claim cannot be related to itself", f"remove {other!r} from related"))
            elif other not in known:
                late.setdefault(shown, []).append(ClaimError(
                    shown, line, column, f"related claim {other!r} does not exist", suggest(other)))
    names, clashes, variants = people.resolve(_mentions(results, by_id), registry, strict_names)
    for error in clashes:
        late.setdefault(error.path, []).append(error)
    for shown, found in late.items():
        errors.extend(_capped(sorted(found), shown, len(found)))
    claims = {result.claim.id: result.claim for shown, result in results.items()
              if result.claim and len(by_id[result.claim.id]) == 1 and shown not in late}
    strict = [v for v in variants if v.severity == "error"]
    warnings = [v for v in variants if v.severity == "warning"]
    return ClaimSet(dict(sorted(claims.items())), sorted([*errors, *strict]), files=len(results),
                    warnings=warnings, names=names)


class _Suggestions:
    """"Did you mean" for unknown related ids, kept cheap: only the first MAX_SUGGESTIONS
    of a run get one, and each compares with the few ids that share a word with it (and
    its neighbours in sorted order), not with every claim."""

    def __init__(self, known: set[str]) -> None:
        self.known = sorted(known)
        self.by_word: dict[str, list[str]] = {}
        for claim_id in self.known:
            for word in set(claim_id.split("-")):
                self.by_word.setdefault(word, []).append(claim_id)
        self.left = MAX_SUGGESTIONS

    def __call__(self, other: str) -> str:
        self.left -= 1
        near = difflib.get_close_matches(other, self._candidates(other), n=1) if self.left >= 0 else []
        return f"did you mean {near[0]!r}?" if near else "write the id (file name without .yml) of an existing claim"

    def _candidates(self, other: str) -> list[str]:
        shared = Counter(c for word in set(other.split("-")) for c in self.by_word.get(word, ()))
        at = bisect.bisect(self.known, other)
        return [c for c, _ in shared.most_common(50)] + self.known[max(0, at - 5):at + 5]


def _mentions(results: dict[str, FileResult], by_id: dict[str, list[str]]) -> Iterator[people.Mention]:
    """Every claimant, expert and tag name of the valid claims, at its place in its file."""
    for shown, result in results.items():
        claim = result.claim
        if claim is None or len(by_id[claim.id]) > 1:
            continue
        public = claim.status == "published"
        for use in result.names:
            if use.kind in people.PAGE_KINDS:
                yield people.Mention(use.kind, use.name, shown, use.line, use.column, claim.published, public)


def claim_files(claims_dir: Path) -> Iterator[Path]:
    """Every claim file under the folder, in a stable order."""
    return (path for path, is_claim in folder_entries(claims_dir) if is_claim)


def folder_entries(claims_dir: Path) -> Iterator[tuple[Path, bool]]:
    """Every entry under the claims folder that matters, in a stable order, and whether it
    is a claim file (``*.yml`` or ``*.yaml``, not hidden) or something that will not be
    published: another suffix, ``.YML``, a hidden file or folder. Symbolic links to
    folders are not followed."""
    for dirpath, dirnames, filenames in os.walk(claims_dir, followlinks=False):
        # A folder's name is printed in every report, log and issue like a file's: a newline,
        # "```" or "::" in it could start a line of its own there. Sub-folders are named as
        # ids are; any other is reported and not read (`.git` and the like are left alone).
        unread = sorted(d for d in dirnames if folder_name_problem(d) and d not in NOT_CLAIMS)
        dirnames[:] = sorted(d for d in dirnames if not folder_name_problem(d))
        for name in unread:
            yield Path(dirpath, name), False
        for name in sorted(filenames):
            if name.endswith(CLAIM_SUFFIXES) and not name.startswith("."):
                yield Path(dirpath, name), True
            elif name not in NOT_CLAIMS:
                yield Path(dirpath, name), False


def folder_name_problem(name: str) -> str:
    """Why a sub-folder of the claims folder named ``name`` is not read ("" when it is)."""
    if name.startswith("."):
        return "hidden folders in the claims folder are not read"
    if not re.fullmatch(ID_PATTERN, name) or len(name) > MAX_ID_LENGTH or is_device_name(name):
        return ("this folder is not read: folders in the claims folder are named as claim ids are "
                "(lower-case letters, digits and single hyphens)")
    return ""


def _not_published(path: Path, shown: str) -> ClaimError:
    name = path.name
    stem = name.lstrip(".").split(".")[0]
    fix = f"rename it to {_suggest_id(stem)}.yml" if stem else "rename it to <claim-id>.yml"
    if path.is_dir() and name.startswith("."):
        return ClaimError(shown, 0, 0, folder_name_problem(name),
                          "move its claim files out of it, or the folder out of the claims folder")
    if path.is_dir():
        return ClaimError(shown, 0, 0, folder_name_problem(name) or "this folder is not read",
                          f"rename it to {_suggest_id(name)}, or move its claim files out of it")
    return ClaimError(shown, 0, 0, "this file will not be published: only <claim-id>.yml files "
                      "(or .yaml) are claim files", f"{fix}, or move it out of the claims folder")


def _outside(path: Path, root: Path) -> str:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop, or a target that does not exist
            return "the file is a symbolic link that cannot be followed (a loop, or a missing target)"
        if not target.is_relative_to(root):
            return "the file is a symbolic link that points outside the claims folder"
    return ""


def _display(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _compose(text: str, shown: str) -> tuple[yaml.Node | None, ClaimError | None]:
    loader = ClaimYamlLoader(text)
    try:
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        return None, ClaimError(shown, line, column, f"invalid YAML: {problem}", _yaml_hint(problem))
    except yaml.YAMLError as exc:
        return None, ClaimError(shown, 1, 1, f"invalid YAML: {exc}", "check the file's syntax")
    finally:
        loader.dispose()


def _construct(node: yaml.Node, shown: str) -> tuple[Any, ClaimError | None]:
    """Python values from the nodes; unknown tags and impossible values become located errors."""
    try:
        return ClaimYamlLoader("").construct_document(node), None
    except yaml.MarkedYAMLError as exc:  # e.g. !!python/object: the safe loader refuses it
        mark: Any = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "constructor for the tag" not in problem:  # an unhashable key, a bad merge, ...
            return None, ClaimError(shown, line, column, f"invalid YAML: {problem}", _yaml_hint(problem))
        tag = problem.split("tag ")[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return None, ClaimError(shown, line, column, f"the YAML tag {tag} is not allowed in claim files",
                                "remove the tag (the text starting with '!') and write the value itself")
    except _UNREADABLE as exc:  # e.g. a date such as 2025-13-45
        return None, _bad_value(node, shown, str(exc))


def _bad_value(root: yaml.Node, shown: str, reason: str) -> ClaimError:
    """Point at the first scalar the safe constructor cannot read on its own."""
    for node in _scalars(root):
        try:
            ClaimYamlLoader("").construct_object(node, deep=True)
        except _UNREADABLE:
            return _at(shown, node, f"the value {node.value!r} cannot be read: {reason}",
                       "write dates as YYYY-MM-DD, or put the value in quotes to keep it as text")
    return ClaimError(shown, 1, 1, f"a value cannot be read: {reason}", "check dates and numbers")


def _scalars(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _yaml_hint(problem: str) -> str:
    if "alias" in problem or "anchor" in problem or "merge" in problem:
        return "write the value out in full"
    if "tag" in problem:
        return "remove the tag (the text starting with '!') and write the value itself"
    if "nest" in problem:
        return "claim files need only a few levels of nesting"
    if "mapping values are not allowed" in problem:
        return "put text that contains ': ' in quotes"
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "expected a single document" in problem:
        return "keep one claim per file, without '---' separators"
    return "check the indentation and quote text that contains special characters"


def _kind(node: yaml.Node) -> str:
    return "list" if isinstance(node, yaml.SequenceNode) else "single value"


def _duplicate_keys(node: yaml.Node, shown: str) -> Iterator[ClaimError]:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                yield _at(shown, key_node, f"the key {key!r} appears twice (first on line {seen[key]})",
                          "keep one; YAML would silently drop the other")
            else:
                seen[key] = key_node.start_mark.line + 1
            yield from _duplicate_keys(value_node, shown)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, shown)


def _at(shown: str, node: yaml.Node, message: str, hint: str) -> ClaimError:
    return ClaimError(shown, node.start_mark.line + 1, node.start_mark.column + 1, message, hint)


def _find(node: yaml.Node, loc: Iterable[int | str]) -> tuple[yaml.Node, yaml.Node | None]:
    """The deepest node that `loc` reaches, and the key node naming it (if any)."""
    key_node: yaml.Node | None = None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if k.value == part:
                    node, key_node = v, k
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node, key_node = node.value[part], None
        elif isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            continue  # a union member tag such as 'list[str]'
    return node, key_node


def _position(root: yaml.Node, loc: tuple[int | str, ...]) -> tuple[int, int]:
    node, _ = _find(root, loc)
    return node.start_mark.line + 1, node.start_mark.column + 1


def _dedupe(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """One error per place; pydantic reports a union's members separately."""
    kept: dict[tuple[object, ...], ErrorDetails] = {}
    for error in errors:
        where = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
        if where not in kept:
            kept[where] = error
    return list(kept.values())


_URL_FIELDS = ("url", "archive_url", "source", "appearance")
_FIELD_HINTS = {
    "claim": "write the claim as it was made, e.g. `claim: DeepSeek built R1 for under $6 million.`",
    "claimant": "name who made the claim, e.g. `claimant: DeepSeek`",
    "verdict": "",
    "summary": "write the short answer in one to three sentences",
    "sources": "list at least one source with a title and a url",
    "published": "write the publication date as YYYY-MM-DD (or a date-time with its offset: 2025-03-05T09:00:00-05:00)",
    "title": "give the source's title",
    "url": "write the full address starting with https://",
    "expert": "name the expert",
    "text": "write what the expert said",
    "date": "write the date as YYYY-MM-DD",
    "note": "say what changed",
}


def _explain(error: ErrorDetails, root: yaml.Node, shown: str, scale: RatingScale) -> ClaimError:
    loc = tuple(error["loc"])
    names = [part for part in loc if isinstance(part, str) and "[" not in part]
    name = names[-1] if names else "the claim"
    where = ".".join(str(part) for part in loc if not (isinstance(part, str) and "[" in part))
    kind = error["type"]
    # The value at fault; for a missing key, the mapping it is missing from.
    node, _ = _find(root, loc)
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    value = error.get("input")

    if kind == "missing":
        message = f"missing required key {name!r}"
        hint = f"add `{name}:`; " + (_FIELD_HINTS.get(name) or "see CONTRIBUTING.md")
        if where != name:
            message += f" in {where.rsplit('.', 1)[0]}"
    elif kind == "extra_forbidden":
        key_line = _key_node(root, loc)
        if key_line is not None:
            line, column = key_line.start_mark.line + 1, key_line.start_mark.column + 1
        allowed = _allowed_keys(loc)
        near = difflib.get_close_matches(name, allowed, n=1)
        message = f"unknown key {name!r}"
        hint = f"did you mean {near[0]!r}?" if near else f"allowed keys here: {', '.join(allowed)}"
    elif name == "verdict":
        message = f"unknown verdict {value!r}" if isinstance(value, str) else "the verdict must be a key of the scale"
        near = difflib.get_close_matches(str(value), scale.keys, n=1)
        hint = (f"did you mean {near[0]!r}? " if near else "") + f"write one of: {', '.join(scale.keys)}"
    elif kind == "value_error" and OFFSET_MISSING in error["msg"]:
        message = f"{where!r} {OFFSET_MISSING}: {str(value)[:40]!r}"
        hint = ("add its UTC offset, e.g. 2025-03-05T09:00:00-05:00 (or Z for UTC), or write the date alone "
                "(2025-03-05: out at midnight in the site's timezone)")
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact") or (
        kind == "value_error" and "YYYY-MM-DD" in error["msg"]
    ):
        message, hint = f"{where!r} is not a date: {value!r}", "write it as YYYY-MM-DD, e.g. 2025-01-30"
    elif kind == "value_error" and "in a year from" in error["msg"]:
        message = f"{where!r} {error['msg'].removeprefix('Value error, ')}, not {value!s}"
        hint = "check the year: write the date as YYYY-MM-DD, e.g. 2025-01-30"
    elif kind in ("too_long", "string_too_long"):
        limit = error.get("ctx", {}).get("max_length")
        unit = "characters" if isinstance(value, str) else "entries"
        message = f"{where!r} has more than {limit:,} {unit}" if isinstance(limit, int) else f"{where!r} is too long"
        hint = "shorten it" if unit == "characters" else "keep the most important ones"
    elif kind == "value_error" and "http" in error["msg"]:
        message = f"{where!r} is not an http(s) URL: {str(value)[:80]!r}"
        hint = "write the full address starting with https:// (other schemes are not allowed)"
    elif kind == "value_error" and name in _URL_FIELDS:
        message = f"{where!r} {error['msg'].removeprefix('Value error, ')}: {str(value)[:80]!r}"
        hint = "write the address exactly as the browser's address bar shows it"
    elif kind == "string_pattern_mismatch" and "related" in names:
        message, hint = f"{value!r} is not a claim id", "write the id: lower-case letters, digits and single hyphens"
    elif kind == "string_pattern_mismatch":
        message, hint = f"{where!r} is not an http(s) URL: {str(value)[:80]!r}", "start it with https://"
    elif kind == "string_type":
        message = f"{where!r} must be text, not {type(value).__name__}"
        hint = "write text; put it in quotes if YAML reads it as a number, date or list"
    elif kind == "string_too_short":
        message, hint = f"{where!r} is empty", _FIELD_HINTS.get(name) or "write a value or remove the key"
    elif kind == "too_short":
        message, hint = f"{where!r} needs at least one entry", _FIELD_HINTS.get(name) or "add an entry"
    elif kind == "list_type":
        message, hint = f"{where!r} must be a list", f"write `{name}:` followed by lines starting with '- '"
    elif kind in ("model_type", "dict_type"):
        message, hint = f"{where!r} must be a mapping of keys to values", "write `key: value` lines under it"
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        message, hint = f"{where!r} cannot be {value!r}", f"write one of: {expected}"
    else:
        message, hint = f"{where!r}: {error['msg']}", "see CONTRIBUTING.md for the field's format"
    return ClaimError(shown, line, column, message, hint)


def _key_node(root: yaml.Node, loc: tuple[int | str, ...]) -> yaml.Node | None:
    _, key_node = _find(root, loc)
    return key_node


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    from .model import Correction, Quote, Source

    models: dict[str, type[BaseModel]] = {"sources": Source, "quotes": Quote, "corrections": Correction}
    owner = next((models[p] for p in reversed(loc[:-1]) if isinstance(p, str) and p in models), Claim)
    return list(owner.model_fields)


def _suggest_id(stem: str) -> str:
    from .slugs import slugify

    return slugify(stem) or "claim-id"
