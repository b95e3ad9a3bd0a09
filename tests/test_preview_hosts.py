"""`mkdocs serve` previews unpublished checks to this machine only (issue 21, items 7 and 9).

Real `mkdocs serve` processes on 127.0.0.1, asked with raw HTTP requests whose `Host`
header a DNS-rebinding page would send (its own domain), and the hosts a reader on this
machine sends (localhost, 127.0.0.1, [::1], any port). With live reload (MkDocs calls
on_serve), without it (it does not), and with the `preview_hosts` option. The claims
folder of the first site is inside docs_dir: its raw YAML (a draft) must not be served.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_serve
from conftest import claim_yaml, make_site_in
from test_serve import Server

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")
DRAFT_CLAIM = "A claim still being checked, not for readers yet."


def raw_get(port: int, path: str, host: str | None) -> tuple[int, str]:
    """Status code and body of a GET sent with exactly this Host header (None: without one)."""
    head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + "Connection: close\r\n\r\n"
    if host is None:
        head = f"GET {path} HTTP/1.0\r\n\r\n"  # HTTP/1.0 may leave Host out
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


def _site(root: Path, plugin_options: str = "") -> None:
    site = make_site_in(root, plugin_options=plugin_options)
    (root / "docs" / "claims-data").mkdir()
    (root / "docs" / "claims-data" / "draft-check.yml").write_text(
        claim_yaml(claim=DRAFT_CLAIM, status="draft"), encoding="utf-8")
    del site


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("preview")
    _site(root, "claims_dir: docs/claims-data")
    server = Server(root)
    try:
        server.wait_for("the draft's preview", server.page_shows("claims/draft-check/", DRAFT_CLAIM))
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "localhost", "LOCALHOST.:{port}",
                                  "127.1.2.3:{port}", "[::1]:{port}", "[::ffff:127.0.0.1]:{port}"])
def test_loopback_hosts_get_the_preview(live: Server, host: str) -> None:
    status, body = raw_get(live.port, "/claims/draft-check/", host.format(port=live.port))
    assert status == 200 and DRAFT_CLAIM in body


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                  "localhost.evil.example", "0.0.0.0:{port}", "[::2]:{port}", "192.168.1.20:{port}",
                                  "", None])
@pytest.mark.parametrize("path", ["/claims/draft-check/", "/", "/search/search_index.json",
                                  "/livereload/1/1"])
def test_other_hosts_are_refused(live: Server, host: str | None, path: str) -> None:
    status, body = raw_get(live.port, path, None if host is None else host.format(port=live.port))
    assert status == 403, (host, path, status)
    assert DRAFT_CLAIM not in body and "preview_hosts" in body


@pytest.mark.slow
@pytest.mark.network
def test_a_refused_host_is_logged_once(live: Server) -> None:
    for _ in range(3):
        raw_get(live.port, "/", "rebind.example")
    live.wait_for("the refusal in the log", lambda: "'rebind.example'" in live.output)
    assert live.output.count("'rebind.example'") == 1


@pytest.mark.slow
@pytest.mark.network
def test_claim_files_inside_docs_dir_are_not_served(live: Server) -> None:
    status, body = raw_get(live.port, "/claims-data/draft-check.yml", f"127.0.0.1:{live.port}")
    assert status == 404 and DRAFT_CLAIM not in body
    assert "the claims folder is inside docs_dir" in live.output


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_without_live_reload_and_with_preview_hosts(tmp_path: Path, engine: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # MkDocs (and ProperDocs) call on_serve only with live reload on: the guard must not depend on it.
    monkeypatch.setattr(test_serve, "MKDOCS", [sys.executable, "-m", engine])
    _site(tmp_path, "claims_dir: docs/claims-data\npreview_hosts: [preview.desk.example]")
    server = Server(tmp_path, "--no-livereload")
    try:
        server.wait_for("the preview", server.page_shows("claims/draft-check/", DRAFT_CLAIM))
        assert raw_get(server.port, "/claims/draft-check/", "preview.desk.example:8000")[0] == 200
        assert raw_get(server.port, "/claims/draft-check/", "PREVIEW.desk.example")[0] == 200
        assert raw_get(server.port, "/claims/draft-check/", "evil.example")[0] == 403
        assert raw_get(server.port, "/claims/draft-check/", "desk.example")[0] == 403
    finally:
        server.stop()


@pytest.mark.parametrize(("header", "name"), [("[::1]:80", "::1"), ("Example.ORG.:8000", "example.org"),
                                              ("localhost", "localhost"), ("::1", "::1")])
def test_host_names(header: str, name: str) -> None:
    from mkdocs_factcheck.plugin.hostguard import host_name

    assert host_name(header) == name


def test_star_allows_every_host_and_nothing_else_does() -> None:
    from mkdocs_factcheck.plugin.hostguard import allowed

    assert allowed("anything.example", ["*"]) and allowed(None, ["*"])
    assert not allowed("anything.example", ["other.example"]) and not allowed(None, [])
