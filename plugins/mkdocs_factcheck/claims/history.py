"""A claims folder in a git checkout in, every version of every claim file out.

History is contributor-written (commit dates, every old version of a file), so it
is read defensively:

- only the first-parent line of the checked-out branch (or of a given base ref)
  counts: the commits inside a merged pull request are not the publisher's history,
  the merge commit is;
- each version of a file is read with the claim loader itself (``version_facts``),
  never by matching lines, and a version the build would refuse has no facts;
- a commit dated after today, or not a date at all, is undated (and logged).

Two git calls: one ``git log`` for every version of every claim file ever in the
folder (deleted ones too: the record needs them) and one ``git cat-file`` for the
versions not read before. What a version says never changes (a blob id names its
content), so facts are cached by blob id, in memory and, given a folder, on disk.
``GitLog.usable`` says why there is no history: no git, not a work tree, a shallow clone.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from ..base import parallel
from .editorial import PUBLIC_STAGES
from .loader import CLAIM_SUFFIXES, DEFAULT_MAX_BYTES, Facts, version_facts
from .scale import DEFAULT_SCALE, RatingScale

log = logging.getLogger(f"mkdocs.plugins.{__name__}")
_COMMIT = "\x1e"  # record separator: starts each commit in our log format
NO_BLOB = "0" * 40  # the file does not exist in this version (deleted)
SHALLOW = "the checkout is shallow: it holds only the newest commits"  # GitLog.problem of a cut history
FACTS_CACHE = "record-facts.json"
_facts: dict[tuple[str, tuple[str, ...]], Facts | None] = {}  # (blob id, scale) -> facts: blobs never change


@dataclass(frozen=True)
class Version:
    """One version of a claim file along the first-parent line."""

    commit: str
    stamp: int | None  # commit time (seconds), None when it cannot be trusted
    blob: str  # the file's content at this commit; NO_BLOB once deleted
    path: str  # the file's path in the repository
    facts: Facts | None = None  # what it says (None: deleted, or a version the build refuses)

    @property
    def day(self) -> date | None:
        return None if self.stamp is None else datetime.fromtimestamp(self.stamp, UTC).date()


@dataclass
class GitLog:
    """Every version of each claim id (the file's stem), oldest first; ``problem`` is why
    there is none ("" when the history is whole)."""

    versions: dict[str, list[Version]] = field(default_factory=dict)
    problem: str = ""
    root: Path | None = None

    @property
    def usable(self) -> bool:
        return not self.problem


def read_log(claims_dir: Path, scale: RatingScale = DEFAULT_SCALE, *, ref: str = "HEAD",
             today: date | None = None, cache_dir: Path | None = None, workers: int | None = None) -> GitLog:
    """The claims folder's history along ``ref``'s first-parent line, each version with its facts."""
    top = _git(claims_dir, "rev-parse", "--show-toplevel")
    if top is None:
        return GitLog(problem="the site is not in a git work tree (or git is not installed)")
    if (_git(claims_dir, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        return GitLog(problem=SHALLOW,
                      root=Path(top.strip()))
    if _git(claims_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        problem = "the repository has no commit yet" if ref == "HEAD" else f"git cannot find {ref!r}"
        return GitLog(problem=problem, root=Path(top.strip()))
    root = Path(top.strip())
    day = today or datetime.now(UTC).date()
    versions = _versions(claims_dir, root, ref, day)
    _read_facts([v.blob for vs in versions.values() for v in vs], claims_dir, scale, cache_dir, workers)
    keys = tuple(scale.keys)
    return GitLog({claim_id: [_with_facts(v, _facts.get((v.blob, keys))) for v in vs]
                   for claim_id, vs in versions.items()}, root=root)


def _with_facts(version: Version, facts: Facts | None) -> Version:
    return Version(version.commit, version.stamp, version.blob, version.path, facts)


def _versions(claims_dir: Path, root: Path, ref: str, today: date) -> dict[str, list[Version]]:
    """Every version of each claim id along the first-parent line, oldest first. A file moved
    to another folder keeps its id: in one commit, the added path wins over the deleted one."""
    out = _git(claims_dir, "log", "-z", "--first-parent", "--diff-merges=first-parent", "--no-renames",
               "--raw", "--no-abbrev", f"--format={_COMMIT}%H %ct", ref, "--", ".")
    versions: dict[str, list[Version]] = {}
    latest = 0  # commit times only go forward along the line; one that goes back is not trusted
    for block in reversed((out or "").split(_COMMIT)[1:]):  # git log is newest first
        header, _, raw = block.partition("\0")
        commit, _, stamp = header.partition(" ")
        when = _stamp(commit, stamp, today)
        if when is not None and when < latest:
            log.info(f"factcheck: commit {commit[:12]} is dated before the commit it follows; "
                     "its changes are not dated")
            when = None
        latest = max(latest, when or 0)
        in_commit: dict[str, Version] = {}
        # --raw -z: ":old-mode new-mode old-blob new-blob status\0path\0" per file
        fields = raw.lstrip("\n").split("\0")
        for info, name in zip(fields[::2], fields[1::2], strict=False):
            parts = info.split()
            claim_id = _claim_id(name)
            if len(parts) < 5 or not claim_id:
                continue
            if claim_id not in in_commit or in_commit[claim_id].blob == NO_BLOB:
                in_commit[claim_id] = Version(commit, when, parts[3], name)
        for claim_id, version in in_commit.items():
            versions.setdefault(claim_id, []).append(version)
    return versions


def _claim_id(name: str) -> str:
    """The claim id a repository path holds ("" for files that are not claim files)."""
    parts = name.split("/")
    if any(part.startswith(".") for part in parts) or not parts[-1].endswith(CLAIM_SUFFIXES):
        return ""
    return parts[-1].rsplit(".", 1)[0]


def _stamp(commit: str, stamp: str, today: date) -> int | None:
    """The commit's time, or None (with a note in the log) when it cannot be trusted."""
    try:
        value = int(stamp)
        day = datetime.fromtimestamp(value, UTC).date()
    except (ValueError, OverflowError, OSError):
        log.info(f"factcheck: commit {commit[:12]} has an unreadable date; its changes are not dated")
        return None
    if day > today:
        log.info(f"factcheck: commit {commit[:12]} is dated {day.isoformat()}, after today; "
                 "its changes are not dated")
        return None
    return value


def _read_facts(blobs: list[str], cwd: Path, scale: RatingScale, cache_dir: Path | None,
                workers: int | None = None) -> None:
    """Read each version not seen before (one `git cat-file` for all of them) and keep its facts."""
    keys = tuple(scale.keys)
    wanted = {b for b in blobs if b != NO_BLOB}
    on_disk = _load_cache(cache_dir, keys) if cache_dir is not None else set()
    missing = sorted(b for b in wanted if (b, keys) not in _facts)
    if cache_dir is not None and not wanted <= on_disk and not missing:
        _save_cache(cache_dir, keys, wanted)  # known in this process, not yet on disk
    if not missing:
        return
    try:
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=cwd, input="\n".join(missing).encode() + b"\n",
                              capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return
    out, at = proc.stdout, 0
    contents: list[tuple[str, bytes]] = []
    for blob in missing:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<id> missing"
            _facts[blob, keys] = None
            continue
        size = int(header[2])
        if size <= DEFAULT_MAX_BYTES:
            contents.append((blob, out[at:at + size]))
        else:
            _facts[blob, keys] = None
        at += size + 1
    # Each version on its own, in worker processes when there are enough (a cold CI build
    # of a long history reads thousands); the cache makes the next build skip them.
    read = functools.partial(version_facts, scale=scale)
    found = parallel.pmap(read, [raw for _, raw in contents], parallel.worker_count(workers, len(contents)),
                          "history versions read")
    for (blob, _), facts in zip(contents, found, strict=True):
        _facts[blob, keys] = facts
    if cache_dir is not None:
        _save_cache(cache_dir, keys, wanted)


def _cache_name(keys: tuple[str, ...]) -> str:
    return json.dumps(list(keys))


def _load_cache(folder: Path, keys: tuple[str, ...]) -> set[str]:
    """The facts cached on disk, added to the ones in memory; gives the blob ids found there."""
    try:
        data = json.loads((folder / FACTS_CACHE).read_text(encoding="utf-8"))
        entries = dict(data["scales"][_cache_name(keys)]) if data.get("format") == Facts.FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    for blob, entry in entries.items():
        if (blob, keys) not in _facts:
            _facts[str(blob), keys] = Facts.from_json(entry)
    return set(map(str, entries))


def _save_cache(folder: Path, keys: tuple[str, ...], blobs: set[str]) -> None:
    """The facts of this history's versions (``blobs``), and nothing else this process read."""
    entries = {blob: facts.to_json() if facts else None for blob in sorted(blobs)
               if (facts := _facts.get((blob, keys))) is not None or (blob, keys) in _facts}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".record-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps({"format": Facts.FORMAT, "scales": {_cache_name(keys): entries}},
                                 separators=(",", ":")))  # dumps: json.dump never uses the C encoder
        os.replace(temporary, folder / FACTS_CACHE)
    except OSError as exc:  # a cache is an optimisation: never a failed build
        log.info(f"factcheck: could not write the record cache in {folder}: {exc}")


# --- the public versions: what readers saw -------------------------------------------

@dataclass(frozen=True)
class PublicVersion:
    commit: str
    day: date  # the day this version became public (its commit day, or its published date if later)
    facts: Facts
    dated: bool = True  # False: its commit's date is not trusted, so ``day`` is only its published date


@dataclass(frozen=True)
class VerdictChange:
    """A verdict readers saw change: between two public versions of a check."""

    date: date
    before: str
    after: str
    commit: str
    url: str = ""

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass
class ClaimRecord:
    """One check's public history: every public version, oldest first."""

    claim_id: str
    path: str  # where its file was last (in the repository)
    public: list[PublicVersion]
    deleted: bool  # the newest version along the line deletes the file

    @property
    def went_out(self) -> date:
        return self.public[0].day

    def verdict_changes(self, repo_url: str = "", *, undated: bool = False) -> list[VerdictChange]:
        """The verdict changes between public versions (those of undated commits only with ``undated``:
        readers are shown no date anyone can forge)."""
        changes = []
        for before, after in zip(self.public, self.public[1:], strict=False):
            if after.facts.verdict != before.facts.verdict and (after.dated or undated):
                url = f"{repo_url.rstrip('/')}/commit/{after.commit}" if repo_url else ""
                changes.append(VerdictChange(after.day, before.facts.verdict, after.facts.verdict,
                                             after.commit, url))
        return changes

    def corrections(self) -> list[tuple[date, str]]:
        """Every correction any public version carried, each once, in order of appearance."""
        return list(dict.fromkeys(c for version in self.public for c in version.facts.corrections))


@dataclass
class Record:
    """The published record of a claims folder, from git (empty, with ``problem``, without it)."""

    claims: dict[str, ClaimRecord] = field(default_factory=dict)  # by claim id, checks ever public
    problem: str = ""  # why there is no usable history ("" when there is)
    ref: str = "HEAD"
    log: GitLog | None = None  # what it was read from

    @property
    def usable(self) -> bool:
        return not self.problem

    @property
    def shallow(self) -> bool:
        """History that exists but was cut on the way (say so loudly), not history that is absent."""
        return self.problem == SHALLOW


def build_record(git_log: GitLog, *, now: datetime | None = None, ref: str = "HEAD",
                 zone: tzinfo = UTC) -> Record:
    """The public versions of every claim id in the log."""
    if not git_log.usable:
        return Record(problem=git_log.problem, ref=ref, log=git_log)
    moment = int((now or datetime.now(UTC)).timestamp())
    claims = {}
    for claim_id, versions in git_log.versions.items():
        public = list(_public_versions(versions, moment, zone))
        if public:
            claims[claim_id] = ClaimRecord(claim_id, versions[-1].path, public, versions[-1].blob == NO_BLOB)
    return Record(claims, ref=ref, log=git_log)


def _public_versions(versions: list[Version], now: int, zone: tzinfo) -> Iterator[PublicVersion]:
    """The versions that readers could see: public status, valid, in force on their published day."""
    for index, version in enumerate(versions):
        facts = version.facts
        if facts is None or facts.status not in PUBLIC_STAGES:
            continue
        lifts = int(facts.release(zone).timestamp())
        until = versions[index + 1].stamp if index + 1 < len(versions) else now
        # An undated commit is taken as in force: the record errs towards protecting readers.
        if until is not None and lifts >= until:
            continue  # replaced (or still embargoed) before it went out
        start = max(lifts, version.stamp) if version.stamp is not None else lifts
        yield PublicVersion(version.commit, datetime.fromtimestamp(start, zone).date(), facts,
                            version.stamp is not None)



# --- the page's view: when a file last changed, how its verdict changed ----------------


@dataclass
class ClaimHistory:
    """What a claim page shows of git: its last change (a trusted date on or after its
    publication) and the verdict changes readers saw (between public versions only)."""

    last_changed: date
    last_commit: str
    verdict_changes: list[VerdictChange] = field(default_factory=list)


def claim_histories(claims_dir: Path, repo_url: str = "", scale: RatingScale = DEFAULT_SCALE,
                    published: Mapping[Path, date] | None = None, *, today: date | None = None,
                    git_log: GitLog | None = None, record: Record | None = None) -> dict[Path, ClaimHistory]:
    """The history of each claim file in the folder now (by absolute, resolved path), dated on
    or after its publication (``published``: path -> date; by default the day it first went
    out). Empty outside git; without whole history (a shallow clone) only the last change."""
    found = git_log or read_log(claims_dir, scale, today=today)
    if found.root is None:
        return {}
    public = (record or build_record(found)).claims
    histories: dict[Path, ClaimHistory] = {}
    for claim_id, versions in found.versions.items():
        newest = versions[-1]
        if newest.blob == NO_BLOB:
            continue
        path = (found.root / newest.path).resolve()
        claim_record = public.get(claim_id)
        floor = (published or {}).get(path) or (claim_record.went_out if claim_record else date.min)
        dated = [v for v in versions if v.day is not None and v.day >= floor and v.blob != NO_BLOB]
        last = dated[-1] if dated else None
        if last is not None and last.day is not None:
            changes = claim_record.verdict_changes(repo_url) if claim_record else []
            histories[path] = ClaimHistory(last.day, last.commit, changes)
    return histories


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                              encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None  # git missing, or not runnable here
    return proc.stdout if proc.returncode == 0 else None
