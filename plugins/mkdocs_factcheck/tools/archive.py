"""``factcheck archive``: give each cited source a capture on the Internet Archive.

Takes claim files; for every source without an ``archive_url`` asks the Wayback
Machine's availability API for an existing capture of its ``url`` and, with
``--save``, asks Save Page Now (SPN2) to make one when there is none. Gives a
unified diff of each claim file with ``archive_url: <capture>`` added under the
source's ``url`` line (``--write`` applies it).

Only that one line is inserted, at the url's indentation and with the file's own
line breaks: comments, key order, quoting and everything else stay byte for byte
(checked before writing, as is that the file still validates). A capture URL is
written only as the archive gave it (availability API) or from the timestamp and
URL the archive reported for a finished save, and only on the archive's host.

Drafts, checks in review and embargoed checks are left alone unless
``--include-unpublished``: asking a public archive about a source tells of the check.
The archive is asked through ``netguard`` (public addresses only unless ``--allow-host``,
each answer read up to ``MAX_ANSWER_BYTES``), within ``--deadline`` for the whole run.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..base import netguard
from ..claims.loader import ClaimYamlLoader

AVAILABILITY_API = "https://archive.org/wayback/available"
WAYBACK = "https://web.archive.org"
# libyaml's line breaks, so that line numbers here are the parser's.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_PLAIN_URL = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/._~%?&=+\-@!$()*,;']*")
MAX_ANSWER_BYTES = 1024 * 1024  # the APIs answer with a few hundred bytes of JSON
DEADLINE = 1800.0  # seconds for a whole run, by default


@dataclass(frozen=True)
class Endpoints:
    """Where the archive's APIs are (configurable for tests and mirrors)."""

    availability: str = AVAILABILITY_API
    wayback: str = WAYBACK

    @property
    def save(self) -> str:
        return self.wayback.rstrip("/") + "/save"

    def status(self, job_id: str) -> str:
        return f"{self.save}/status/{job_id}"

    def capture(self, timestamp: str, url: str) -> str:
        return f"{self.wayback.rstrip('/')}/web/{timestamp}/{url}"

    def ours(self, capture: str) -> bool:
        """A capture on the Wayback Machine's host (any scheme), nowhere else."""
        return urlsplit(capture).netloc.lower() == urlsplit(self.wayback).netloc.lower()


@dataclass
class Missing:
    """A source without an archive_url: where its url line is."""

    path: Path
    url: str
    line: int  # 0-based line of the url value
    indent: int  # column of the `url` key
    flow: bool  # a `{title: ..., url: ...}` mapping: no line to add to


# --- Finding the sources ---------------------------------------------------------------


def missing_archives(path: Path, text: str) -> list[Missing]:
    """Sources in a (valid) claim file that have no archive_url."""
    loader = ClaimYamlLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    found: list[Missing] = []
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        if key.value != "sources" or not isinstance(value, yaml.SequenceNode):
            continue
        for source in value.value:
            if not isinstance(source, yaml.MappingNode):
                continue
            keys = {k.value: (k, v) for k, v in source.value}
            if "archive_url" in keys or "url" not in keys:
                continue
            url_key, url_value = keys["url"]
            found.append(Missing(path, str(url_value.value).strip(), url_value.start_mark.line,
                                 url_key.start_mark.column, bool(source.flow_style)))
    return found


def insert_archive_url(text: str, missing: Missing, capture: str) -> str:
    """``text`` with one ``archive_url`` line after the url's line; nothing else changes."""
    breaks = list(_BREAK.finditer(text))
    newline = breaks[0].group() if breaks else "\n"
    value = capture if _PLAIN_URL.fullmatch(capture) and " #" not in capture else json.dumps(capture)
    line = f"{' ' * missing.indent}archive_url: {value}"
    if missing.line < len(breaks):
        at = breaks[missing.line].end()
        return text[:at] + line + newline + text[at:]
    ending = "" if text.endswith(newline) or not text else newline  # the url was on the last line
    return text + ending + line + newline


# --- Asking the archive ----------------------------------------------------------------


class ArchiveError(Exception):
    """The archive did not answer as documented."""


async def existing_capture(client: netguard.Fetcher, endpoints: Endpoints, url: str) -> str | None:
    """The closest capture the availability API lists for ``url`` (status 200 only)."""
    response = await client.request("GET", endpoints.availability, params={"url": url}, limit=MAX_ANSWER_BYTES)
    data = _json(response, "the availability API")
    snapshots = data.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    capture = closest.get("url")
    if str(closest.get("status")) != "200" or not isinstance(capture, str):
        return None
    if not endpoints.ours(capture):
        raise ArchiveError(f"the availability API gave a capture off the archive's host: {capture[:200]!r}")
    return capture


async def save_page(client: netguard.Fetcher, endpoints: Endpoints, url: str, auth: str,
                    poll: float, patience: float) -> str:
    """Ask Save Page Now for a capture and wait for it; the capture URL."""
    headers = {"Accept": "application/json", "Authorization": f"LOW {auth}"}
    response = await client.request("POST", endpoints.save, data={"url": url}, headers=headers,
                                    limit=MAX_ANSWER_BYTES)
    job = _json(response, "Save Page Now").get("job_id")
    if not isinstance(job, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", job):
        message = _json(response, "Save Page Now").get("message") or "no job id in its answer"
        raise ArchiveError(f"Save Page Now refused {url}: {str(message)[:200]}")
    deadline = time.monotonic() + patience
    while True:
        status = _json(await client.request("GET", endpoints.status(job), headers=headers, limit=MAX_ANSWER_BYTES),
                       "Save Page Now")
        state = status.get("status")
        if state == "success":
            timestamp, original = status.get("timestamp"), status.get("original_url")
            if not (isinstance(timestamp, str) and re.fullmatch(r"\d{14}", timestamp)
                    and isinstance(original, str) and original.startswith(("http://", "https://"))):
                raise ArchiveError(f"Save Page Now reported success for {url} without a timestamp and URL")
            return endpoints.capture(timestamp, original)
        if state != "pending":
            reason = status.get("message") or status.get("status_ext") or state
            raise ArchiveError(f"Save Page Now could not capture {url}: {str(reason)[:200]}")
        if time.monotonic() > deadline:
            raise ArchiveError(f"Save Page Now did not finish {url} within {patience:g} s; run again later")
        await asyncio.sleep(poll)


def _json(response: netguard.Answer, what: str) -> dict[str, Any]:
    if response.status >= 400:
        raise ArchiveError(f"{what} answered {response.status} {response.reason}".rstrip())
    try:
        data = json.loads(response.body)
    except (ValueError, RecursionError):
        raise ArchiveError(f"{what} did not answer with JSON") from None
    if not isinstance(data, dict):
        raise ArchiveError(f"{what} answered with JSON of an unexpected shape")
    return data


@dataclass(frozen=True)
class Options:
    endpoints: Endpoints
    save: bool
    auth: str
    timeout: float = 30.0
    poll: float = 5.0
    patience: float = 120.0
    concurrency: int = 2
    deadline: float = DEADLINE
    allow_hosts: frozenset[str] = frozenset()


async def find_captures(urls: list[str], options: Options) -> tuple[dict[str, str], dict[str, str]]:
    """Capture URLs by source URL, and the reason for each source that has none."""
    from .linkcheck import USER_AGENT

    captures: dict[str, str] = {}
    problems: dict[str, str] = {}
    gate = asyncio.Semaphore(options.concurrency)
    guard = netguard.Guard(options.allow_hosts)
    async with netguard.Fetcher(guard, timeout=options.timeout, user_agent=USER_AGENT) as client:

        async def one(url: str) -> None:
            async with gate:
                try:
                    capture = await existing_capture(client, options.endpoints, url)
                    if capture is None and options.save:
                        capture = await save_page(client, options.endpoints, url, options.auth,
                                                  options.poll, options.patience)
                except (ArchiveError, netguard.FetchError) as exc:
                    problems[url] = str(exc) or type(exc).__name__
                    return
                if capture:
                    captures[url] = capture
                else:
                    problems[url] = "no capture yet" + ("" if options.save else " (--save asks for one)")

        await netguard.within_deadline((one(url) for url in urls), options.deadline)
    for url in urls:
        if url not in captures and url not in problems:
            problems[url] = f"not asked: the run's deadline ({options.deadline:g} s) passed first"
    return captures, problems


# --- The command -----------------------------------------------------------------------


def archived_text(path: Path, text: str, captures: dict[str, str]) -> tuple[str, list[str]]:
    """The file with every capture added, bottom up so that line numbers hold; notes."""
    notes: list[str] = []
    new = text
    for missing in sorted(missing_archives(path, text), key=lambda m: m.line, reverse=True):
        capture = captures.get(missing.url)
        if not capture:
            continue
        if missing.flow:
            notes.append(f"{path.as_posix()}:{missing.line + 1}: the source is written as {{...}}; "
                         f"add `archive_url: {capture}` to it by hand")
            continue
        new = insert_archive_url(new, missing, capture)
    return new, notes


def unchanged_but_inserted(old: str, new: str) -> bool:
    """Only whole ``archive_url`` lines were added: the rest is the same, byte for byte."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        added = new.splitlines(keepends=True)[j1:j2]
        if tag != "insert" or not all(line.lstrip().startswith("archive_url: ") for line in added):
            return False
    return True


def write_in_place(path: Path, data: bytes) -> None:
    """``data`` into ``path`` at once (a temporary file beside it, renamed), keeping its permissions."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, path.stat().st_mode & 0o7777)
    os.replace(temporary, path)
