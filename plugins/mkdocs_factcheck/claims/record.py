"""Git history and the claim files now in, the published record and its violations out.

What "published" means in history: a version of a claim file is *public* when, on the
first-parent line of the branch that deploys (``HEAD``, or the base branch of a pull
request), the build would accept it (``history.version_facts``), its status is
``published`` or ``withdrawn``, and it was still the file's current version at its release
(its ``published`` date-time, or midnight of its day in the site's time zone): a version
replaced before its embargo lifted was never public. The day a check first went out is the
later of that first public version's commit day and its ``published`` date.

Once public, these are facts a later version may add to but never rewrite:

- ``published`` is the day the check first went out (up to ``GRACE_DAYS`` earlier, for work
  written before it was merged; an archive migrated into git is exempt up to ``record_starts``);
- every correction a public version carried stays, word for word (but one dated before the check
  went out, shown only under a wrong ``published`` date, which the editorial rules now refuse);
- a verdict that changes between public versions (or in the files now) comes with a new
  correction dated on or after the change;
- the check keeps its file: deleting it, renaming it or setting it back to draft or review
  takes a published page away; a check the desk no longer stands behind is withdrawn;
- a withdrawal, once public, stays, with its date and note.

``Record`` also gives the pages what history shows readers: verdict changes between public
versions only (deliberation in drafts and review is not the public record), and the day
each check first went out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from ..base.errors import ClaimError
from .editorial import PUBLIC_STAGES, Clock, Policy
from .history import ClaimRecord, Record, build_record, read_log
from .loader import ClaimSet
from .model import Claim
from .scale import RatingScale

GRACE_DAYS = 7  # a check written on Friday and merged the next week keeps Friday's date
Marks = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Current:
    """A claim file as it is now, with where its fields sit."""

    claim: Claim
    marks: Marks


def check(record: Record, current: Iterable[Current], *, claims_folder: str, today: date,
          record_starts: date | None = None, new_files_public_today: bool = False) -> list[ClaimError]:
    """Every way the claim files now rewrite the record, located, with the fix.

    ``claims_folder``: the claims folder as errors show it (for a deleted file);
    ``new_files_public_today``: a pull request's new files go out when it is merged, so their
    ``published`` is held to today (a build of the deploying branch holds it to git)."""
    if not record.usable:
        return []
    now = {item.claim.id: item for item in current}
    errors: list[ClaimError] = []
    for claim_id, claim_record in record.claims.items():
        item = now.get(claim_id)
        if item is None:
            errors.append(_deleted(claim_record, claims_folder))
        else:
            errors.extend(_rewrites(claim_record, item, today, record_starts))
    if new_files_public_today:
        for claim_id, item in now.items():
            if claim_id not in record.claims and item.claim.status in PUBLIC_STAGES:
                errors.extend(_backdated_new(item, today, record_starts))
    return errors


def _at(item: Current, where: str, message: str, hint: str) -> ClaimError:
    line, column = item.marks.get(where) or item.marks.get(where.split(".", 1)[0]) or (1, 1)
    return ClaimError(item.claim.path, line, column, message, hint, "record")


def _deleted(claim_record: ClaimRecord, claims_folder: str) -> ClaimError:
    name = claim_record.path.rsplit("/", 1)[-1]
    return ClaimError(f"{claims_folder}/{name}", 0, 0,
                      f"the check {claim_record.claim_id!r} was published on {claim_record.went_out} "
                      "and its file is gone: its page, feed entry and ClaimReview would vanish without a word",
                      "restore the file (under the same name: the id is its address) and set `status: withdrawn` "
                      "with a `withdrawn:` date and note saying why", "record")


def _rewrites(claim_record: ClaimRecord, item: Current, today: date,
              record_starts: date | None) -> Iterator[ClaimError]:
    claim = item.claim
    went_out = claim_record.went_out
    if claim.status not in PUBLIC_STAGES:
        yield _at(item, "status", f"this check was published on {went_out}; status {claim.status} would take "
                  "its page away without a word",
                  "keep `status: published`, or set `status: withdrawn` with a `withdrawn:` date and note")
    yield from _published_moved(item, went_out, record_starts)
    yield from _corrections_dropped(claim_record, item)
    yield from _verdict_unexplained(claim_record, item, today)
    withdrawal = next((v.facts.withdrawn for v in claim_record.public if v.facts.withdrawn), None)
    if withdrawal is not None and (claim.status != "withdrawn" or claim.withdrawn is None
                                   or (claim.withdrawn.date, claim.withdrawn.note) != withdrawal):
        yield _at(item, "withdrawn" if claim.withdrawn else "status",
                  f"this check was withdrawn on {withdrawal[0]}, and readers were told why; "
                  "a withdrawal stays on the record",
                  f"keep `status: withdrawn` and the withdrawal as published (date {withdrawal[0]}, the same "
                  "note); to check the claim again, write a new check under a new id")


def _published_moved(item: Current, went_out: date, record_starts: date | None) -> Iterator[ClaimError]:
    published = item.claim.published
    migrated = record_starts is not None and went_out <= record_starts
    if published > went_out:
        yield _at(item, "published", f"published {published} is after the day this check first went out "
                  f"({went_out}, from git)", f"write `published: {went_out}`; later changes go in `updated` "
                  "and `corrections`")
    elif published < went_out - timedelta(days=GRACE_DAYS) and not migrated:
        yield _at(item, "published", f"published {published} is {(went_out - published).days} days before this "
                  f"check first went out ({went_out}, from git)",
                  f"write `published: {went_out}`, the day readers first saw it (an archive migrated from "
                  "another system: set the plugin's record_starts option to the day of the migration)")


def _backdated_new(item: Current, today: date, record_starts: date | None) -> Iterator[ClaimError]:
    published = item.claim.published
    if published < today - timedelta(days=GRACE_DAYS) and not (record_starts and today <= record_starts):
        yield _at(item, "published", f"published {published} is {(today - published).days} days ago, but this "
                  "check goes out when this change is merged",
                  f"write the day it goes out (`published: {today}`), or a later day to embargo it")


def _corrections_dropped(claim_record: ClaimRecord, item: Current) -> Iterator[ClaimError]:
    kept = {(c.date, c.note) for c in item.claim.corrections}
    for day, note in claim_record.corrections():
        # Dated before the check went out, a correction was only ever shown under a wrong
        # `published` date; the editorial rules refuse it now, so it cannot be kept.
        if (day, note) not in kept and day >= claim_record.went_out:
            shown = note if len(note) <= 80 else note[:79] + "…"
            yield _at(item, "corrections", f"the correction of {day} ({shown!r}) was published and is missing "
                      "or reworded here", "restore it word for word, with its date; to amend it, add a new "
                      "correction below it")


def _verdict_unexplained(claim_record: ClaimRecord, item: Current, today: date) -> Iterator[ClaimError]:
    """Each verdict change readers saw, and the change in the files now, needs a correction
    that was not there before the change, dated on or after it."""
    claim = item.claim
    changes = [(change.date, _corrections_of(claim_record, change.commit))
               for change in claim_record.verdict_changes(undated=True)]
    last = claim_record.public[-1]
    if claim.verdict != last.facts.verdict:
        changes.append((today, set(last.facts.corrections)))
    for day, before in changes:
        explained = any(c.date >= day and (c.date, c.note) not in before for c in claim.corrections)
        if not explained:
            yield _at(item, "verdict", f"the verdict changed on {day} with no correction saying so",
                      f"add a correction dated {day} or later to `corrections` that says what changed and why, "
                      "and set `updated` to its date")


def _corrections_of(claim_record: ClaimRecord, commit: str) -> set[tuple[date, str]]:
    """The corrections readers had seen before the public version made at ``commit``."""
    seen: set[tuple[date, str]] = set()
    for version in claim_record.public:
        if version.commit == commit:
            break
        seen.update(version.facts.corrections)
    return seen


def missing_history_note(record: Record, required: bool) -> str:
    """What to tell the desk when the history cannot be read ("" when it can)."""
    if record.usable:
        return ""
    fix = ("fetch the whole history (in GitHub Actions: `fetch-depth: 0` on actions/checkout; "
           "elsewhere `git fetch --unshallow`)" if record.shallow else
           "build from a git clone of the site's repository")
    return (f"factcheck: {record.problem}, so the published record cannot be checked and pages show no "
            f"verdict history; {fix}" + ("" if required else "; set the plugin's `history: required` option "
                                         "to make this an error"))


HISTORY_MODES = ("auto", "required", "off")


@dataclass(frozen=True)
class RecordPolicy:
    """How a load reads the record: the `history` and `record_starts` options, and for a pull
    request the base branch whose history is the published one (its new files go out today)."""

    mode: str = "auto"  # auto: check it when git has it; required: no history is an error; off
    record_starts: date | None = None
    base: str = ""  # a pull request's base ref ("": the checked-out branch, HEAD)
    cache_dir: Path | None = None

    @classmethod
    def from_options(cls, history: object = "auto", record_starts: object = None) -> RecordPolicy:
        """The policy from the plugin options; ValueError says what to write instead."""
        if history is False:  # YAML reads a bare `off` as false
            history = "off"
        if history not in HISTORY_MODES:
            raise ValueError(f"history is {history!r}; write one of {', '.join(HISTORY_MODES)}")
        if isinstance(record_starts, str):
            try:
                record_starts = date.fromisoformat(record_starts)
            except ValueError:
                raise ValueError(f"record_starts is {record_starts!r}; write a date as YYYY-MM-DD") from None
        if record_starts is not None and (isinstance(record_starts, datetime) or not isinstance(record_starts, date)):
            raise ValueError(f"record_starts is {record_starts!r}; write a date as YYYY-MM-DD")
        return cls(str(history), record_starts)


def record_check(scale: RatingScale, policy: RecordPolicy, editorial_policy: Policy, cache_dir: Path | None,
                 config_dir: Path, workers: int | None = None) -> RecordCheck:
    """The loader's record check for a site: facts cached in the site's cache_dir (or, as
    mkdocs-material's plugins do, in .cache/plugin/factcheck beside mkdocs.yml)."""
    folder = policy.cache_dir or cache_dir or config_dir / ".cache" / "plugin" / "factcheck"
    return RecordCheck(scale, replace(policy, cache_dir=folder), editorial_policy.clock, workers)


@dataclass
class RecordCheck:
    """The loader's check against the record (``loader.RecordCheck``): reads git once per load."""

    scale: RatingScale
    policy: RecordPolicy
    clock: Callable[[], Clock]  # the build's instant and the site's time zone
    workers: int | None = None  # processes for reading old versions (the `workers` option)

    def __call__(self, claim_set: ClaimSet, current: list[tuple[Claim, Marks]], claims_dir: Path,
                 shown_dir: str) -> list[ClaimError]:
        policy = self.policy
        if policy.mode == "off":
            return []
        clock = self.clock()
        today = clock.today
        ref = policy.base or "HEAD"
        git_log = read_log(claims_dir, self.scale, ref=ref, today=today, cache_dir=policy.cache_dir,
                           workers=self.workers)
        claim_set.record = found = build_record(git_log, ref=ref, now=clock.now, zone=clock.zone)
        claim_set.history_note = missing_history_note(found, policy.mode == "required")
        if not found.usable and (policy.mode == "required" or policy.base):  # --base names a history
            hint = ("name a branch or commit this clone has (fetch it with its history first)" if policy.base
                    else "or set the plugin's `history` option to `auto`")
            return [ClaimError(shown_dir, 0, 0, claim_set.history_note.removeprefix("factcheck: "), hint,
                               "history-missing")]
        return check(found, [Current(c, m) for c, m in current], claims_folder=shown_dir, today=today,
                     record_starts=policy.record_starts, new_files_public_today=bool(policy.base))
