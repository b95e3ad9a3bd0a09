"""``factcheck links``: can a reader still open every page a fact check cites?

Takes claim files and gives one finding per cited URL that is not plainly fine:
dead (an error status, a timeout, a refused connection), moved (a permanent
redirect: cite the new address), slow, refused to robots (401/403/429: open it in a
browser) or skipped (``robots.txt`` disallows checkers). Every ``appearance``,
source ``url`` and ``archive_url`` and quote ``source`` is located by line and
column from the YAML nodes, as the loader does for its errors.

Requests go out concurrently (httpx), at most ``per_host`` at a time to one host,
HEAD first and GET when HEAD is refused, with retries and growing waits on
timeouts, 429 and 5xx. Results are kept in ``.cache/factcheck/links.json`` for
``max_age`` seconds, so that a daily run asks each site at most once a day.

Every request goes through ``netguard``: public addresses only unless allowed
(``blocked``), redirects checked hop by hop (``invalid``), ``timeout`` seconds per
request in all and ``deadline`` for the run (``unchecked``). Drafts, checks in review
and embargoed checks are left out unless asked for; claim files whose real path is
outside their claims folder are refused, as the loader refuses them.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import re
import tempfile
import time
import urllib.robotparser
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .. import __version__
from ..base import netguard
from ..base.errors import ClaimError, UsageError, printable
from ..claims import editorial
from ..claims.loader import CLAIM_SUFFIXES, ClaimYamlLoader, claim_files, parse_claim
from ..project.report import Report, escape_data, escape_property
from ..project.report import format_github as validate_annotations

USER_AGENT = f"mkdocs-factcheck/{__version__} (link checker; +https://pypi.org/project/mkdocs-factcheck/)"
ROBOTS_AGENT = "mkdocs-factcheck"  # the token robots.txt rules name
CACHE_PATH = Path(".cache") / "factcheck" / "links.json"
CACHE_VERSION = 1
KEEP_FOR = 7 * 24 * 3600.0  # seconds a cached answer stays in the file (--max-age decides its use)
PERMANENT = (301, 308)
REFUSED = (401, 403, 429)  # the site answered, but not to a checker: not evidence of a dead page
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 30.0
MAX_ROBOTS_BYTES = 500 * 1024
# What each kind of finding is, for the GitHub annotation level and the exit status.
SEVERITY = {"dead": "error", "blocked": "error", "invalid": "error", "unchecked": "error", "moved": "warning",
            "slow": "warning", "refused": "warning", "skipped": "notice"}
# Answers that depend on this run (its deadline, its allowed hosts): never reused from the cache.
NOT_CACHED = ("unchecked", "blocked")
DEADLINE = 1800.0  # seconds for a whole run, by default


@dataclass(frozen=True)
class Citation:
    """One URL at one place in one claim file."""

    path: str
    line: int
    column: int
    field: str
    url: str


@dataclass
class LinkResult:
    """What asking for one URL gave."""

    url: str
    status: str  # ok, or a key of SEVERITY
    code: int | None = None
    final_url: str = ""
    elapsed: float = 0.0
    detail: str = ""
    checked_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Settings:
    """How politely and how patiently to ask."""

    timeout: float = 15.0  # seconds for one request, all its redirects and reads included
    deadline: float = DEADLINE  # seconds for the whole run; what is left is reported as unchecked
    allow_hosts: frozenset[str] = frozenset()  # hosts asked even when not at a public address
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    per_host: int = 2
    concurrency: int = 16
    slow: float = 5.0
    robots: bool = True
    user_agent: str = USER_AGENT
    # Where to send the request for a cited URL (tests and offline mirrors); identity by default.
    rewrite: Callable[[str], str] | None = None


# --- Where the URLs are ----------------------------------------------------------------


def cited_urls(node: yaml.Node | None, shown: str) -> list[Citation]:
    """Every URL field of a valid claim file's node tree, with its place."""
    found: list[Citation] = []

    def cite(value: yaml.Node, name: str) -> None:
        if isinstance(value, yaml.ScalarNode) and isinstance(value.value, str) and value.value.strip():
            mark = value.start_mark
            found.append(Citation(shown, mark.line + 1, mark.column + 1, name, value.value.strip()))

    if not isinstance(node, yaml.MappingNode):
        return found
    wanted = {("sources", "url"): "source url", ("sources", "archive_url"): "source archive_url",
              ("quotes", "source"): "quote source"}
    for key, value in node.value:
        if key.value == "appearance":
            for item in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                cite(item, "appearance")
        elif key.value in ("sources", "quotes") and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                for item_key, item_value in item.value if isinstance(item, yaml.MappingNode) else []:
                    name = wanted.get((key.value, item_key.value))
                    if name:
                        cite(item_value, name)
    return found


def collect(files: Iterable[Path], base: Path, scale: Any, max_bytes: int, *,
            unpublished: list[str] | None = None) -> tuple[list[Citation], list[ClaimError]]:
    """The citations of every valid file; a file that does not validate is reported, not checked.
    Given an ``unpublished`` list, drafts, checks in review and embargoed checks are left out
    (their names added to it): a request to the claimant's server would tell of the check."""
    citations: list[Citation] = []
    errors: list[ClaimError] = []
    today = editorial.build_date()
    for path in files:
        shown = display(path, base)
        raw = read_claim_file(path, shown, max_bytes, errors)
        if raw is None:
            continue
        result = parse_claim(raw, shown, path.stem, scale, max_bytes)
        if result.errors:
            errors.extend(result.errors)
            continue
        if (unpublished is not None and result.claim
                and editorial.stage(result.claim, today) not in editorial.PUBLIC_STAGES):
            unpublished.append(shown)
            continue
        loader = ClaimYamlLoader(raw.decode("utf-8-sig"))
        try:
            citations.extend(cited_urls(loader.get_single_node(), shown))
        finally:
            loader.dispose()
    return citations, errors


def read_claim_file(path: Path, shown: str, max_bytes: int, errors: list[ClaimError]) -> bytes | None:
    """The file's bytes, never more than ``max_bytes`` + 1 of them read; None (and a located
    error) when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        errors.append(ClaimError(shown, 0, 0, f"cannot read the file: {exc.strerror}", "check its permissions"))
        return None


def display(path: Path, base: Path | None = None) -> str:
    """``path`` as the user would write it: relative to ``base`` (the working folder)."""
    try:
        return Path(os.path.relpath(path, base or Path.cwd())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


# --- Asking ----------------------------------------------------------------------------


class _Checker:
    """One run's guarded client, limits and robots.txt answers."""

    def __init__(self, fetcher: netguard.Fetcher, settings: Settings) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.everyone = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.robots: dict[str, asyncio.Task[urllib.robotparser.RobotFileParser]] = {}

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self.hosts[host]

    async def check(self, cited: str) -> LinkResult:
        target = self.settings.rewrite(cited) if self.settings.rewrite else cited
        # Refused before anything is asked of the host, robots.txt included.
        try:
            await self.fetcher.check(target)
        except netguard.Blocked as exc:
            return LinkResult(cited, "blocked", detail=f"not asked: {exc}; a desk's own server may be allowed "
                                                       "with --allow-host or the plugin's allow_hosts option")
        except netguard.BadAddress as exc:
            return LinkResult(cited, "invalid", detail=f"not asked: {exc}")
        except netguard.FetchError:
            pass  # a name that does not resolve (yet): asked below, with retries, like a refused connection
        if self.settings.robots and not await self._allowed(target):
            return LinkResult(cited, "skipped", detail="robots.txt asks checkers to stay away; not checked")
        # The host's turn first: a request waiting for a busy host must not hold one of the
        # overall slots that requests to other hosts could use.
        async with self._host_limit(target), self.everyone:
            return await self._ask(cited, target)

    async def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = asyncio.ensure_future(self._read_robots(origin))
        return (await self.robots[origin]).can_fetch(ROBOTS_AGENT, url)

    async def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            async with self._host_limit(origin):  # as Google does: read the first 500 KiB only
                answer = await self.fetcher.request("GET", origin + "/robots.txt", limit=MAX_ROBOTS_BYTES,
                                                    truncate=True)
        except netguard.FetchError:
            rules.parse([])  # no answer: nothing asks us to stay away
            return rules
        # The stdlib's reading of the status codes: 401/403 forbid all, other errors allow all.
        if answer.status in (401, 403):
            rules.parse(["User-agent: *", "Disallow: /"])
        elif answer.status < 400:
            rules.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        else:
            rules.parse([])
        return rules

    async def _ask(self, cited: str, target: str) -> LinkResult:
        attempts = self.settings.retries + 1
        result = LinkResult(cited, "dead")
        for attempt in range(attempts):
            started = time.monotonic()
            try:
                answer = await self._head_then_get(target)
            except netguard.TooManyRedirects as exc:
                return LinkResult(cited, "dead", detail=str(exc))
            except netguard.Blocked as exc:
                return LinkResult(cited, "blocked", detail=str(exc))
            except netguard.BadAddress as exc:
                return LinkResult(cited, "invalid", detail=str(exc))
            except netguard.TimedOut:
                result = LinkResult(cited, "dead", elapsed=time.monotonic() - started,
                                    detail=f"no answer within {self.settings.timeout:g} s")
                wait = self._backoff(attempt, None)
            except netguard.FetchError as exc:
                result = LinkResult(cited, "dead", detail=f"cannot connect: {exc}")
                wait = self._backoff(attempt, None)
            else:
                result = self._judge(cited, answer, time.monotonic() - started)
                if answer.status not in RETRY_STATUSES:
                    return result
                wait = self._backoff(attempt, answer.headers.get("retry-after"))
            if attempt + 1 < attempts:
                await asyncio.sleep(wait)
        return result

    async def _head_then_get(self, url: str) -> netguard.Answer:
        answer = await self.fetcher.request("HEAD", url)
        if answer.status < 400 or answer.status in RETRY_STATUSES:
            return answer
        # Many servers refuse or mishandle HEAD (405, 501, even 404): ask again the usual way,
        # reading the headers only.
        return await self.fetcher.request("GET", url)

    def _judge(self, cited: str, answer: netguard.Answer, elapsed: float) -> LinkResult:
        code = answer.status
        final = answer.url
        if code in REFUSED:
            return LinkResult(cited, "refused", code, final, elapsed,
                              f"the site answered {code} {answer.reason} to the checker; "
                              "open it in a browser to confirm")
        if code >= 400 or code < 100:
            return LinkResult(cited, "dead", code, final, elapsed, f"{code} {answer.reason}".strip())
        asked = urlsplit(answer.hops[0][1]).path if answer.hops else ""
        if asked not in ("", "/") and urlsplit(final).path in ("", "/"):
            # Sites often send a page they removed to their front page instead of a 404.
            return LinkResult(cited, "moved", code, final, elapsed,
                              f"redirected to the site's front page ({final}): the page is probably gone; "
                              "find its new address or an archived copy")
        permanent = [status for status, _ in answer.hops if status in PERMANENT]
        if permanent:
            return LinkResult(cited, "moved", code, final, elapsed,
                              f"moved permanently ({permanent[0]}) to {final}")
        if elapsed > self.settings.slow:
            return LinkResult(cited, "slow", code, final, elapsed, f"took {elapsed:.1f} s to answer")
        return LinkResult(cited, "ok", code, final, elapsed)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        wait: float = self.settings.backoff * 2.0**attempt
        if retry_after:
            asked = _retry_after_seconds(retry_after)
            if asked is not None:
                wait = max(wait, min(asked, MAX_RETRY_AFTER))
        return wait


def _retry_after_seconds(value: str) -> float | None:
    if value.strip().isdigit():
        return float(value.strip()[:6])
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    try:
        return max(0.0, float(when.timestamp()) - time.time())
    except (OverflowError, ValueError, OSError):
        return None


async def check_urls(urls: Sequence[str], settings: Settings,
                     progress: Callable[[int, int], None] | None = None) -> dict[str, LinkResult]:
    """Ask for each URL once; the results by URL. What the run's deadline leaves unasked is
    "unchecked"; an error in the checker itself is raised, never turned into a result."""
    results: dict[str, LinkResult] = {}
    guard = netguard.Guard(settings.allow_hosts)
    # The semaphores bound the requests in flight; a pool capped as tightly would close one
    # host's idle connection to open another's, and connect anew for nearly every request.
    async with netguard.Fetcher(guard, timeout=settings.timeout, user_agent=settings.user_agent,
                                max_keepalive=4 * settings.concurrency) as fetcher:
        checker = _Checker(fetcher, settings)

        async def one(url: str) -> None:
            results[url] = await checker.check(url)
            if progress:
                progress(len(results), len(urls))

        tasks = [asyncio.ensure_future(one(url)) for url in urls]
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=settings.deadline)
            for task in [*pending, *checker.robots.values()]:
                task.cancel()
            await asyncio.gather(*pending, *checker.robots.values(), return_exceptions=True)
            for task in done:
                task.result()  # a bug in the checker is a crash (exit 3), not a finding
    for url in urls:
        if url not in results:
            results[url] = LinkResult(url, "unchecked", detail=f"not checked: the run's deadline "
                                                               f"({settings.deadline:g} s) passed first")
    return results


# --- The cache -------------------------------------------------------------------------


def load_cache(path: Path, max_age: float, now: float) -> dict[str, LinkResult]:
    """Results younger than ``max_age`` seconds; a missing or damaged cache is empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    kept: dict[str, LinkResult] = {}
    for url, entry in dict(data.get("results") or {}).items():
        try:
            result = LinkResult(**entry)
        except TypeError:
            continue
        if result.url == url and 0 <= now - float(result.checked_at) < max_age:
            kept[url] = result
    return kept


def save_cache(path: Path, results: dict[str, LinkResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": CACHE_VERSION, "results": {url: asdict(r) for url, r in sorted(results.items())}}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".links-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
    os.replace(temporary, path)  # never half a file


# --- The report ------------------------------------------------------------------------


@dataclass
class Finding:
    """A link that is not plainly fine, at the place it is cited."""

    citation: Citation
    result: LinkResult

    @property
    def severity(self) -> str:
        return SEVERITY[self.result.status]

    def as_dict(self) -> dict[str, object]:
        c, r = self.citation, self.result
        return {"file": c.path, "line": c.line, "column": c.column, "field": c.field, "url": c.url,
                "status": r.status, "severity": self.severity, "code": r.code, "final_url": r.final_url,
                "elapsed": round(r.elapsed, 3), "message": r.detail}


@dataclass
class LinkReport:
    findings: list[Finding]
    errors: list[ClaimError]  # files that do not validate, so were not checked
    files: int
    urls: int
    unpublished: int = 0  # drafts, checks in review and embargoed checks left out

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(f.severity == "error" for f in self.findings)


def make_report(citations: list[Citation], results: dict[str, LinkResult], errors: list[ClaimError],
                files: int, unpublished: int = 0) -> LinkReport:
    findings = [Finding(c, results[c.url]) for c in citations if results[c.url].status != "ok"]
    findings.sort(key=lambda f: (f.citation.path, f.citation.line, f.citation.column))
    return LinkReport(findings, sorted(errors), files, len({c.url for c in citations}), unpublished)


def link_summary(report: LinkReport) -> str:
    counts = Counter(f.result.status for f in report.findings)
    found = ", ".join(f"{counts[s]} {s}" for s in SEVERITY if counts[s]) or "no problems"
    text = f"{_plural(report.urls, 'link')} in {_plural(report.files, 'claim file')} checked: {found}"
    if report.errors:
        text += f"; {len(report.errors)} problems in files that do not validate (not checked)"
    if report.unpublished:
        text += (f"; {_plural(report.unpublished, 'unpublished check')} left out "
                 "(--include-unpublished checks them)")
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_text(report: LinkReport) -> list[str]:
    """One line per problem; file names and servers' answers escaped (errors.printable), so
    none can start a line of its own in a log or an issue."""
    lines = [str(error) for error in report.errors]
    for f in report.findings:
        c = f.citation
        lines.append(printable(f"{c.path}:{c.line}:{c.column}: {f.result.status}: {c.field} {c.url}: "
                               f"{f.result.detail}"))
    return [*lines, link_summary(report)]


def format_markdown(report: LinkReport) -> list[str]:
    """The text report as one Markdown code block, for an issue a bot writes: its fence is
    longer than any run of backticks inside, so nothing in the report can close it, and
    inside it GitHub links no @-mention, issue number or address."""
    return code_block(format_text(report))


def code_block(lines: list[str]) -> list[str]:
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def format_github(report: LinkReport) -> list[str]:
    """Workflow commands: dead links as errors, moved/slow/refused as warnings (escaped as validate does)."""
    lines = validate_annotations(Report(report.errors, 0))[:-1]  # without validate's summary line
    for f in report.findings:
        c = f.citation
        title = escape_property(f"{f.result.status} link")
        props = f"file={escape_property(printable(c.path))},line={c.line},col={c.column},title={title}"
        lines.append(f"::{f.severity} {props}::{escape_data(f'{c.field} {c.url}: {f.result.detail}')}")
    return [*lines, link_summary(report)]


def format_json(report: LinkReport) -> list[str]:
    data = {"findings": [f.as_dict() for f in report.findings],
            "errors": [e.as_dict() for e in report.errors],
            "checked": {"files": report.files, "urls": report.urls},
            "left_out": {"unpublished": report.unpublished}}
    return [json.dumps(data, indent=2, ensure_ascii=False)]


FORMATS = {"text": format_text, "github": format_github, "json": format_json, "markdown": format_markdown}


# --- The command -----------------------------------------------------------------------


def claim_paths(paths: Sequence[Path], claims_dir: Path, *, refused: list[ClaimError] | None = None,
                site_root: Path | None = None) -> list[Path]:
    """The claim files named, or under the folders named, or the site's claims.

    Given a ``refused`` list, files are held to the loader's rules: one whose real path is
    outside its claims folder (a symbolic link, or a linked folder named on the command line)
    is left out with a located error, as is the site's claims folder when it resolves
    outside ``site_root``; the tools never read what the build would not."""
    claims = Path(os.path.abspath(claims_dir))
    if not paths:
        if refused is not None and site_root is not None and claims_dir.is_dir():
            real, site = claims_dir.resolve(), site_root.resolve()
            if real == site or not real.is_relative_to(site):
                refused.append(ClaimError(display(claims_dir), 0, 0, "the claims folder is not a folder inside "
                                          "the site's folder (a symbolic link?)",
                                          "make claims_dir a real folder next to mkdocs.yml"))
                return []
        found = [(p, claims) for p in claim_files(claims_dir)] if claims_dir.is_dir() else []
    else:
        found = []
        for path in paths:
            inside = Path(os.path.abspath(path)).is_relative_to(claims)
            if path.is_dir():
                found.extend((p, claims if inside else Path(os.path.abspath(path))) for p in claim_files(path))
            elif path.is_file() and path.name.lower().endswith(CLAIM_SUFFIXES):
                found.append((path, claims if inside else Path(os.path.abspath(path)).parent))
            elif path.exists():
                raise UsageError(f"{path}: not a claim file (claim files end in .yml or .yaml)")
            else:
                raise UsageError(f"{path}: no such file or folder")
    files: list[Path] = []
    for path, root in dict.fromkeys(found):
        problem = _outside(path, root) if refused is not None else ""
        if problem:
            assert refused is not None
            refused.append(ClaimError(display(path), 0, 0, problem, "keep claim files inside the claims folder"))
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def _outside(path: Path, root: Path) -> str:
    """Why the file is not inside the folder it is read from, in the loader's words ("" when it is)."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop, or a target that does not exist
        return "the file is a symbolic link that cannot be followed (a loop, or a missing target)"
    if real.is_relative_to(root.resolve()):
        return ""
    if path.is_symlink():
        return "the file is a symbolic link that points outside the claims folder"
    return "the file is in a folder that is a symbolic link to outside the claims folder"


def allowed_hosts_option(given: Sequence[str], configured: Sequence[str]) -> frozenset[str]:
    """--allow-host and the plugin's allow_hosts, normalised; a bad host is a usage error."""
    try:
        return netguard.allowed_hosts([*given, *configured])
    except ValueError as exc:
        raise UsageError(f"--allow-host / allow_hosts: {exc}") from None
