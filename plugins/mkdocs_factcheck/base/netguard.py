"""Requests to servers named by other people, refused or bounded: the network commands' one way out.

Takes URLs (cited in claim files, found in imported markup, answered by the Internet
Archive), a ``Guard`` (the hosts a desk allows besides public ones) and limits; gives an
``Answer`` (status, the standard reason phrase, the final URL, each redirect hop, and the
body decoded up to a cap) or raises a ``FetchError`` whose message is the finding to
report. Nothing from the network stack escapes as another exception.

- Every hop's host is resolved once per run and every address it resolves to must be
  public (``address_problem``), unless the host is allowed; the connection is then made
  to one of those checked addresses (a network backend under httpx), so a DNS answer
  that changes between the check and the connection is never used.
- Redirects are followed here, not by httpx: each target is checked as a URL (http(s),
  a valid host name, at most ``MAX_URL_LENGTH`` characters) before anything is asked of
  it, and credentials never follow a redirect to another origin.
- Each request (all its hops) has one total deadline, which a server sending a byte a
  second cannot stretch; bodies are decoded here, at most ``MAX_ENCODINGS`` layers of
  gzip or deflate, in steps, and never held beyond the caller's cap.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import zlib
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

if TYPE_CHECKING:  # httpx is imported where it is used: other commands need not load it
    import httpx

MAX_URL_LENGTH = 4096  # characters; longer URLs are refused, cited or answered
MAX_REDIRECTS = 10
MAX_ENCODINGS = 2  # Content-Encoding layers decoded; more are refused
MAX_SHOWN = 300  # characters of a server's URL shown in a report
STEP = 64 * 1024  # bytes decoded at a time
DRAIN_BYTES = 16 * 1024  # raw bytes of an unwanted body read to keep the connection
REDIRECTS = (301, 302, 303, 307, 308)
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_UNSAFE_IN_URL = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
_NOT_PLAIN = re.compile(r"[^ -_a-~]")  # printable ASCII but the backtick


class FetchError(Exception):
    """A request that was not made, or whose answer cannot be used; the message says why."""

    kind = "failed"


class Blocked(FetchError):
    """The host is not a public address and not allowed."""

    kind = "blocked"


class BadAddress(FetchError):
    """A URL (cited or redirected to) that is not one to ask."""

    kind = "invalid"


class TimedOut(FetchError):
    kind = "timeout"


class Oversized(FetchError):
    kind = "too-big"


class Unreachable(FetchError):
    """No connection, or the server broke HTTP."""

    kind = "unreachable"


class TooManyRedirects(FetchError):
    kind = "loop"


async def within_deadline(jobs: Iterable[Coroutine[Any, Any, None]], deadline: float) -> None:
    """Run the jobs together for at most ``deadline`` seconds; the ones left are cancelled (the
    caller reports what they did not do). An exception in a finished job is a bug: raised."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()  # a crash (exit 3), never a finding


# --- Which addresses may be asked --------------------------------------------------------


def address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why an address is not a public one ("" when it is), by ``ipaddress``'s own tables."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4-mapped IPv6 address"
        embedded = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and address_problem(embedded):
            return "an IPv6 tunnel to a non-public IPv4 address"
        if address in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64: the IPv4 address is the last 32 bits
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            if address_problem(inner):
                return "a NAT64 address of a non-public IPv4 address"
    checks = (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("private", address.is_private), ("reserved", address.is_reserved),
              ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local))
    for name, hit in checks:
        if hit:
            return name
    if not address.is_global:  # shared (CGNAT 100.64.0.0/10), benchmarking, documentation ...
        return "not globally reachable"
    return ""


def normal_host(host: str) -> str:
    """A host as compared with the allowed ones: lower case, IDNA-encoded, no brackets or final dot."""
    import httpx

    text = host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    if not text or _CONTROL_OR_SPACE.search(text) or "/" in text or "@" in text:
        raise ValueError(f"{host!r} is not a host name or address")
    if ":" in text:  # an IPv6 address, or a host with a port
        try:
            return str(ipaddress.IPv6Address(text))
        except ValueError:
            raise ValueError(f"{host!r} is not a host name or address (write the host without a port)") from None
    try:
        return httpx.URL(f"http://{text}/").raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise ValueError(f"{host!r} is not a host name or address") from None


def allowed_hosts(hosts: Iterable[str]) -> frozenset[str]:
    """The allowed hosts, normalised; ValueError names the first that is not a host."""
    return frozenset(normal_host(host) for host in hosts)


@dataclass
class Guard:
    """One run's answers to "may this host be asked?", and the addresses checked for each."""

    allow: frozenset[str] = frozenset()
    # host, port -> addresses (the system's resolver by default; tests give their own)
    resolver: Callable[[str, int], Awaitable[list[str]]] | None = None
    _resolved: dict[str, asyncio.Task[list[str]]] = field(default_factory=dict)

    def allows(self, host: str) -> bool:
        return host.lower() in self.allow

    async def addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses, every one of them public; Blocked or Unreachable otherwise."""
        if host not in self._resolved:
            self._resolved[host] = asyncio.ensure_future(self._resolve(host, port))
        try:
            return await asyncio.shield(self._resolved[host])
        except Unreachable:
            self._resolved.pop(host, None)  # a failed lookup may succeed on a retry; a refusal stays
            raise

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            addresses = await (self.resolver or _system_resolver)(host, port)
        except (OSError, UnicodeError) as exc:
            raise Unreachable(f"cannot resolve {host}: {_reason(exc)}") from None
        for text in addresses:
            problem = address_problem(ipaddress.ip_address(text))
            if problem:
                # One non-public answer is enough: a name that also points inside is not asked.
                raise Blocked(f"{host} is not a public address ({problem})")
        if not addresses:
            raise Unreachable(f"cannot resolve {host}: no address")
        return addresses


async def _system_resolver(host: str, port: int) -> list[str]:
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in found))


def checked_url(text: str) -> httpx.URL:
    """``text`` as a URL that may be asked for: http(s), a valid host and port, not too long."""
    import httpx

    if len(text) > MAX_URL_LENGTH:
        raise BadAddress(f"a URL of {len(text):,} characters (more than {MAX_URL_LENGTH:,})")
    if _CONTROL_OR_SPACE.search(text.strip()):
        raise BadAddress(f"an invalid URL (spaces or control characters): {shown(text)}")
    try:
        url = httpx.URL(text.strip())
        host = url.raw_host.decode("ascii")
        port = url.port
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise BadAddress(f"an invalid URL: {shown(text)}") from None
    if url.scheme not in ("http", "https"):
        scheme = url.scheme or text.split(":", 1)[0]
        raise BadAddress(f"a {shown(scheme[:20])}: URL, not http(s): {shown(text)}")
    if not _valid_host(host):
        raise BadAddress(f"an invalid host name: {shown(text)}")
    if port is not None and not 0 < port < 65536:
        raise BadAddress(f"an invalid port: {shown(text)}")
    return url


def _valid_host(host: str) -> bool:
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    labels = host.rstrip(".").split(".")
    return 0 < len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def shown(url: str) -> str:
    """A URL from a server as a report may show it: RFC 3986 characters only, at most MAX_SHOWN."""
    text = _UNSAFE_IN_URL.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


# --- The connection: to the address checked ------------------------------------------------


def _backend_class() -> type:
    import httpcore

    class GuardedBackend(httpcore.AsyncNetworkBackend):
        """Connects to a host's checked addresses only (allowed hosts as named)."""

        def __init__(self, guard: Guard) -> None:
            self.guard = guard
            self.inner = httpcore.AnyIOBackend()

        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None,
                              socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
            if self.guard.allows(host):
                return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
            failure: Exception = Unreachable(f"cannot connect to {host}")
            for address in await self.guard.addresses(host, port):
                try:
                    return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                    failure = exc
            raise failure

        async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                      socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
            raise Blocked("a Unix socket")

        async def sleep(self, seconds: float) -> None:
            await self.inner.sleep(seconds)

    return GuardedBackend


def _transport(guard: Guard, max_keepalive: int) -> httpx.AsyncHTTPTransport:
    import httpcore
    import httpx

    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx takes no network backend: its pool is remade with ours, with httpx's own TLS
    # settings (certificates checked against the host name, not the address connected to).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(), max_connections=None, max_keepalive_connections=max_keepalive,
        keepalive_expiry=5.0, http1=True, http2=False, network_backend=_backend_class()(guard))
    return transport


# --- Bodies: decoded under a cap ---------------------------------------------------------------


class Decoder:
    """Content-Encoding layers undone a step at a time; ``over`` once more than ``limit`` bytes came out."""

    def __init__(self, codings: list[str], limit: int) -> None:
        layers = [c for c in codings if c not in ("identity", "")]
        if len(layers) > MAX_ENCODINGS:
            raise FetchError(f"answered in {len(layers)} layers of Content-Encoding "
                             f"(at most {MAX_ENCODINGS} are read)")
        unknown = [c for c in layers if c not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise FetchError(f"answered in the {shown(unknown[0][:40])} encoding, which it was not asked for")
        self.codings = list(reversed(layers))  # the last applied is undone first
        self.inflaters = [self._inflater(c) for c in self.codings]
        self.fresh = [True] * len(self.codings)
        # A compressed layer of data that fits the limit is hardly larger than the data.
        self.caps = [limit + limit // 8 + STEP] * len(self.codings)
        self.made = [0] * len(self.codings)
        self.limit = limit
        self.size = 0
        self.over = False

    @staticmethod
    def _inflater(coding: str) -> Any:
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        try:
            for piece in self._through(0, data):
                out += piece
                self.size += len(piece)
                if self.size > self.limit:
                    self.over = True
                    break
        except zlib.error:
            raise FetchError("answered with a damaged compressed body") from None
        return bytes(out)

    def _through(self, layer: int, data: bytes) -> Iterator[bytes]:
        if layer == len(self.inflaters):
            if data:
                yield data
            return
        for piece in self._inflate(layer, data):
            yield from self._through(layer + 1, piece)

    def _inflate(self, layer: int, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self.inflaters[layer].decompress(data, STEP)
            except zlib.error:
                if not (self.fresh[layer] and self.codings[layer] == "deflate"):
                    raise
                # "deflate" is often sent raw, without the zlib wrapper it should have.
                self.inflaters[layer] = zlib.decompressobj(-zlib.MAX_WBITS)
                self.fresh[layer] = False
                continue
            self.fresh[layer] = False
            self.made[layer] += len(piece)
            if self.made[layer] > self.caps[layer]:
                raise Oversized(f"answered with more than {self.limit:,} bytes")
            if piece:
                yield piece
            data = self.inflaters[layer].unconsumed_tail
            if not data and len(piece) < STEP:
                return


def content_codings(headers: httpx.Headers) -> list[str]:
    return [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]


# --- Asking ------------------------------------------------------------------------------------


@dataclass
class Answer:
    """What a server answered, after following redirects."""

    status: int
    url: str  # the URL that gave this answer (shown form)
    hops: list[tuple[int, str]]  # each redirect: its status and the URL that gave it
    headers: httpx.Headers
    body: bytes = b""

    @property
    def reason(self) -> str:
        """The standard phrase for the status: a server's own words never reach a report."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


class Fetcher:
    """One run's client: every request checked against the guard, bounded in time and bytes."""

    def __init__(self, guard: Guard, *, timeout: float, user_agent: str, max_keepalive: int = 32) -> None:
        import httpx

        self.guard = guard
        self.timeout = timeout
        # The transport itself, not an httpx client: a client reads every Location header
        # (and raises on a strange one) before its caller sees the answer; it also keeps
        # cookies and proxies from the environment, neither of which a checker wants.
        self.transport = _transport(guard, max_keepalive)
        self.headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
        self.timeouts = httpx.Timeout(timeout).as_dict()

    async def __aenter__(self) -> Fetcher:
        await self.transport.__aenter__()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.transport.__aexit__(kind, error, trace)

    async def check(self, url: str) -> httpx.URL:
        """The URL, checked and its host resolved to public addresses, or why it may not be asked."""
        checked = checked_url(url)
        try:
            async with asyncio.timeout(self.timeout):
                await self._check_host(checked)
        except TimeoutError:
            raise TimedOut(f"no answer within {self.timeout:g} s (resolving {checked.host})") from None
        return checked

    async def _check_host(self, url: httpx.URL) -> None:
        host = url.raw_host.decode("ascii")
        if not self.guard.allows(host):
            await self.guard.addresses(host, url.port or (443 if url.scheme == "https" else 80))

    async def request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                      data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                      limit: int = 0, truncate: bool = False) -> Answer:
        """Ask, following redirects; read at most ``limit`` decoded bytes of the final body
        (none when 0; with ``truncate`` the first ``limit`` bytes, else Oversized)."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(method, url, params, data, dict(headers or {}), limit, truncate)
        except TimeoutError:
            raise TimedOut(f"no answer within {self.timeout:g} s") from None

    async def _follow(self, method: str, url: str, params: Mapping[str, str] | None,
                      data: Mapping[str, str] | None, headers: dict[str, str], limit: int,
                      truncate: bool) -> Answer:
        current = checked_url(url)
        if params:
            current = current.copy_merge_params(dict(params))
        hops: list[tuple[int, str]] = []
        for _ in range(MAX_REDIRECTS + 1):
            try:
                await self._check_host(current)
            except Blocked as exc:
                if hops:
                    raise Blocked(f"redirected to {shown(str(current))}: {exc}; not followed") from None
                raise
            response = await self._send(method, current, data, headers)
            try:
                location = response.headers.get("location") if response.status_code in REDIRECTS else None
                if location is None:
                    body = await self._read(response, limit, truncate) if limit else b""
                    if not limit:
                        await _drain(response)
                    return Answer(response.status_code, shown(str(current)), hops, response.headers, body)
                await _drain(response)
            finally:
                await response.aclose()
            hops.append((response.status_code, shown(str(current))))
            target = _redirect_target(current, location)
            if target.scheme != current.scheme or target.host != current.host or target.port != current.port:
                headers = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "cookie")}
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, data = ("HEAD" if method == "HEAD" else "GET"), None
            current = target
        raise TooManyRedirects("too many redirects (a loop?)")

    async def _send(self, method: str, url: httpx.URL, data: Mapping[str, str] | None,
                    headers: dict[str, str]) -> httpx.Response:
        import httpx

        content = urlencode(dict(data)).encode("ascii") if data is not None else None
        if content is not None:
            headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            request = httpx.Request(method, url, content=content, headers={**self.headers, **headers},
                                    extensions={"timeout": self.timeouts})
            response = await self.transport.handle_async_request(request)
            response.request = request
            return response
        except httpx.TimeoutException:
            raise TimedOut(f"no answer within {self.timeout:g} s") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, UnicodeError, ValueError) as exc:
            raise Unreachable(_reason(exc)) from None

    async def _read(self, response: httpx.Response, limit: int, truncate: bool) -> bytes:
        import httpx

        decoder = Decoder(content_codings(response.headers), limit)
        body = bytearray()
        raw, raw_cap = 0, limit + limit // 8 + STEP
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                body += decoder.feed(chunk)
                if decoder.over or raw > raw_cap:
                    if truncate:
                        return bytes(body[:limit])
                    raise Oversized(f"answered with more than {limit:,} bytes")
        except httpx.TimeoutException:
            raise TimedOut(f"no answer within {self.timeout:g} s") from None
        except (httpx.HTTPError, httpx.StreamError, OSError, ValueError) as exc:
            raise Unreachable(_reason(exc)) from None
        return bytes(body)


async def _drain(response: httpx.Response) -> None:
    """Read a body nobody wants if it is short (HEAD's is empty), so the connection can be
    kept for the next request; a longer one is left unread and the connection closed."""
    import httpx

    left = DRAIN_BYTES
    try:
        async for chunk in response.aiter_raw():
            left -= len(chunk)
            if left < 0:
                return
    except (httpx.HTTPError, httpx.StreamError, OSError, ValueError):
        return


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    if len(location) > MAX_URL_LENGTH:
        raise BadAddress(f"redirects to a URL of {len(location):,} characters (more than {MAX_URL_LENGTH:,})")
    try:
        joined = urljoin(str(current), location.strip())
    except ValueError:
        raise BadAddress(f"redirects to an invalid URL: {shown(location)}") from None
    try:
        return checked_url(joined)
    except BadAddress as exc:
        raise BadAddress(f"redirects to {exc}") from None


def _reason(exc: BaseException) -> str:
    """An exception's first line as a report may show it: printable ASCII, no backticks."""
    lines = str(exc).strip().splitlines()
    text = _NOT_PLAIN.sub("?", lines[0][:200]) if lines else ""
    return text or type(exc).__name__
