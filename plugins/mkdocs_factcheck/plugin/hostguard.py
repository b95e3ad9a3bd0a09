"""Previews for this machine only: a WSGI wrapper that answers only requests to a loopback host.

``mkdocs serve`` shows drafts, checks in review and embargoed checks. A page an editor
visits can point its own host name at 127.0.0.1 (DNS rebinding) and then read the
preview as a page of its own origin; the one thing it cannot change is the ``Host``
header, which names its domain. So the preview answers only when ``Host`` is
``localhost``, an address in 127.0.0.0/8 or ``[::1]`` (any port), or a host the site
lists in the plugin's ``preview_hosts`` option; any other request gets 403 and a line
that says how to allow it. Takes a WSGI application and a callable giving the extra
hosts; gives a WSGI application. Knows nothing of MkDocs (``plugin.py`` wires it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterable
from typing import Any

ANY_HOST = "*"  # in preview_hosts: answer every Host (a trusted network only)
Application = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def host_name(header: str) -> str:
    """The host of a ``Host`` header without its port, lower-case: ``[::1]:8000`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    name, _, port = header.rpartition(":")
    if name and port.isdigit() and ":" not in name:
        return name.rstrip(".")
    return header.rstrip(".")


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8, ``::1`` (and 127.x written as an IPv4-mapped IPv6 address)."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def allowed(header: str | None, extra: Collection[str]) -> bool:
    """Whether a request with this ``Host`` header may be answered."""
    if ANY_HOST in extra:
        return True
    if not header:  # every browser sends Host; a request without one is not a preview reader
        return False
    host = host_name(header)
    return is_loopback(host) or host in {host_name(name) for name in extra}


class HostGuard:
    """The wrapped application, for requests to an allowed host; 403 for any other."""

    def __init__(self, app: Application, extra_hosts: Callable[[], Collection[str]],
                 refused: Callable[[str], None] = lambda host: None) -> None:
        self.app = app
        self.extra_hosts = extra_hosts
        self.refused = refused  # told of each refused Host, e.g. to log it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        header = environ.get("HTTP_HOST")
        if allowed(header, self.extra_hosts()):
            return self.app(environ, start_response)
        self.refused(header or "")
        body = (b"403 Forbidden: this preview (drafts and embargoed checks included) answers only requests to "
                b"localhost, 127.0.0.1 or [::1]. To share it, list the host in the factcheck plugin's "
                b"preview_hosts option (see the README).\n")
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [body]
