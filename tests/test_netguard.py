"""Issue 21, items 2, 3, 4, 6 and three of 11: what `links`, `archive` and `import` may ask,
for how long, how much of an answer they hold, and what they leave alone.

Every server is one the test starts on 127.0.0.1 (tests/localweb.py); addresses that are
refused are refused before any connection, so nothing here reaches another machine."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ENV, REPO, factcheck, make_site_in
from localweb import Answer, LocalWeb, Request, serve
from mkdocs_factcheck import cli
from mkdocs_factcheck.base import netguard
from mkdocs_factcheck.tools import linkcheck
from mkdocs_factcheck.tools.importer import Network, fetch_sources, find_reviews
from mkdocs_factcheck.tools.linkcheck import SEVERITY, Settings, check_urls
from test_links import claim_file

FACTCHECK = [sys.executable, "-m", "mkdocs_factcheck"]  # peak_memory measures a fresh process
LOCAL = ["--allow-host", "127.0.0.1"]
# A timeout long enough for a loaded machine: these tests are about answers, not about slowness.
QUICK = ["--timeout", "5", "--retries", "0", "--max-age", "0"]
FULLWIDTH = "http://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/"  # "example" in fullwidth letters


def run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return factcheck(*args, cwd=cwd, env={**ENV, "CI": "true"}, timeout=timeout)


def in_thread(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own (the browser tests keep a loop in the main thread)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def findings(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {f["url"]: f for f in json.loads(proc.stdout)["findings"]}


# --- 2. Server-side requests ----------------------------------------------------------------


NOT_PUBLIC = ["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
              "100.64.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1",
              "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
              "::ffff:8.8.8.8", "2002:7f00:1::1", "2002:a00:1::1", "64:ff9b::7f00:1", "fec0::1", "2001:db8::1"]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_every_kind_of_non_public_address_is_refused(address: str) -> None:
    assert netguard.address_problem(ipaddress.ip_address(address)) != ""


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_asked(address: str) -> None:
    assert netguard.address_problem(ipaddress.ip_address(address)) == ""


@pytest.mark.slow
def test_a_cited_internal_address_is_a_located_finding_and_never_a_request(tmp_path: Path) -> None:
    with serve({"/robots.txt": Answer(200, b"")}, fallback=Answer(200, b"internal secret")) as web:
        site = make_site_in(tmp_path)
        port = web.port
        text = claim_file(web, appearance="/admin", sources=["/status"]).replace(
            f"    url: {web.url('/status')}", f"    url: http://localhost:{port}/status")
        text = text.replace("verdict: misleading", "verdict: misleading\nquotes:\n  - expert: E\n    text: W.\n"
                            "    source: http://169.254.169.254/latest/meta-data/\n"
                            "  - expert: F\n    text: W.\n    source: http://[::ffff:127.0.0.1]/x\n"
                            "  - expert: G\n    text: W.\n    source: http://2130706433/")
        site.write_claim("inside.yml", text)
        proc = run("links", "--format", "json", *QUICK, cwd=tmp_path)
        assert web.requests == []  # not even robots.txt
    assert proc.returncode == 1, proc.stderr
    found = findings(proc)
    assert {f["status"] for f in found.values()} == {"blocked"} and len(found) == 5
    admin = found[web.url("/admin")]
    assert (admin["file"], admin["line"], admin["column"], admin["severity"]) == ("claims/inside.yml", 3, 13, "error")
    assert admin["message"].startswith("not asked: 127.0.0.1 is not a public address (loopback)")
    assert "--allow-host" in admin["message"]
    assert "localhost is not a public address (loopback)" in found[f"http://localhost:{port}/status"]["message"]
    assert "(link-local)" in found["http://169.254.169.254/latest/meta-data/"]["message"]
    assert "IPv4-mapped" in found["http://[::ffff:127.0.0.1]/x"]["message"]
    assert "(loopback)" in found["http://2130706433/"]["message"]  # 127.0.0.1 written as one number
    assert "internal secret" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_redirects_into_internal_addresses_are_not_followed(tmp_path: Path) -> None:
    inner: list[Request] = []

    with serve({}, fallback=lambda r: (inner.append(r), Answer(200, b"secret"))[1]) as internal:  # type: ignore[func-returns-value]
        routes = {
            "/robots.txt": Answer(404),
            "/to-localhost": Answer(302, headers={"Location": f"http://localhost:{internal.port}/secret"}),
            "/to-metadata": Answer(301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/to-private": Answer(307, headers={"Location": "http://10.0.0.7/admin"}),
            "/to-ipv6": Answer(308, headers={"Location": f"http://[::1]:{internal.port}/"}),
            # HEAD refused, then the GET is redirected inside: the GET must be refused too
            "/get-only": lambda r: Answer(405) if r.method == "HEAD" else Answer(
                302, headers={"Location": f"http://localhost:{internal.port}/by-get"}),
        }
        with serve(routes) as web:  # type: ignore[arg-type]
            site = make_site_in(tmp_path)
            site.write_claim("redirects.yml", claim_file(web, appearance="/to-localhost",
                                                         sources=["/to-metadata", "/to-private", "/to-ipv6",
                                                                  "/get-only"]))
            proc = run("links", "--format", "json", *QUICK, *LOCAL, cwd=tmp_path)
    assert inner == []
    assert proc.returncode == 1, proc.stderr
    found = findings(proc)
    assert {u.removeprefix(web.base): f["status"] for u, f in found.items()} == {
        "/to-localhost": "blocked", "/to-metadata": "blocked", "/to-private": "blocked", "/to-ipv6": "blocked",
        "/get-only": "blocked"}
    message = found[web.url("/to-localhost")]["message"]
    assert message == f"redirected to http://localhost:{internal.port}/secret: localhost is not a public " \
                      "address (loopback); not followed"
    assert "secret" not in found[web.url("/to-metadata")]["message"]


@pytest.mark.slow
def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name is resolved once per run; later answers are never used."""
    answers = [["127.0.0.1"], ["127.0.0.9"]]  # the second would be where nothing listens
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked) - 1, 1)]

    async def ask(url: str) -> list[int]:
        guard = netguard.Guard(resolver=resolver)
        async with netguard.Fetcher(guard, timeout=5, user_agent="test") as fetcher:
            await fetcher.check(url)
            return [(await fetcher.request("GET", url)).status for _ in range(3)]

    with serve({"/": Answer(200)}) as web:
        original = netguard.address_problem
        # For this test only, 127.0.0.1 counts as public: the question is which address is used.
        netguard_problem = lambda a: "" if str(a) == "127.0.0.1" else original(a)  # noqa: E731
        try:
            netguard.address_problem = netguard_problem  # type: ignore[assignment]
            statuses = in_thread(ask(f"http://rebind.test:{web.port}/"))
        finally:
            netguard.address_problem = original  # type: ignore[assignment]
    assert statuses == [200, 200, 200] and asked == ["rebind.test"]
    assert {r.headers["host"] for r in web.requests} == {f"rebind.test:{web.port}"}


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command to make a certificate")
def test_tls_is_checked_against_the_host_name_not_the_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Connecting to the checked address must not weaken HTTPS: the certificate is still
    checked against the URL's host name."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
                    "cert.pem", "-days", "2", "-subj", "/CN=rebind.test", "-addext", "subjectAltName=DNS:rebind.test"],
                   cwd=tmp_path, capture_output=True, check=True, timeout=60)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
    original = netguard.address_problem
    monkeypatch.setattr(netguard, "address_problem", lambda a: "" if str(a) == "127.0.0.1" else original(a))

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def ask(host: str, port: int) -> str:
        async with netguard.Fetcher(netguard.Guard(resolver=resolver), timeout=5, user_agent="t") as fetcher:
            try:
                answer = await fetcher.request("GET", f"https://{host}:{port}/", limit=100)
            except netguard.FetchError as exc:
                return str(exc)
            return answer.body.decode()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    with serve({"/": Answer(200, b"over TLS")}) as web:
        web.server.socket = context.wrap_socket(web.server.socket, server_side=True)
        assert in_thread(ask("rebind.test", web.port)) == "over TLS"
        assert "certificate is not valid for 'other.test'" in in_thread(ask("other.test", web.port))


def test_a_name_with_one_internal_address_among_public_ones_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "10.0.0.1"]

    async def ask() -> str:
        async with netguard.Fetcher(netguard.Guard(resolver=resolver), timeout=5, user_agent="t") as fetcher:
            try:
                await fetcher.request("GET", "http://mixed.test/")
            except netguard.Blocked as exc:
                return str(exc)
        return ""

    assert in_thread(ask()) == "mixed.test is not a public address (private)"


@pytest.mark.slow
def test_allow_hosts_in_mkdocs_yml_and_bad_hosts(tmp_path: Path) -> None:
    with serve({"/robots.txt": Answer(404), "/ok": Answer(200)}) as web:
        site = make_site_in(tmp_path, plugin_options="allow_hosts: [127.0.0.1]\n")
        site.write_claim("one.yml", claim_file(web, appearance="/ok", sources=["/ok"]))
        proc = run("links", *QUICK, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert web.paths("HEAD") == ["/ok"]
    assert site.build().returncode == 0  # the build knows the option
    bad = run("links", "--allow-host", "exa mple.org", cwd=tmp_path)
    assert bad.returncode == 2 and "--allow-host / allow_hosts" in bad.stderr
    with_port = run("links", "--allow-host", "127.0.0.1:8000", cwd=tmp_path)
    assert with_port.returncode == 2 and "write the host without a port" in with_port.stderr
    assert netguard.allowed_hosts(["[::1]", "Intranet.Example.ORG.", "b\u00fccher.example"]) == {
        "::1", "intranet.example.org", "xn--bcher-kva.example"}
    (tmp_path / "mkdocs.yml").write_text((tmp_path / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "allow_hosts: [127.0.0.1]", "allow_hosts: 127.0.0.1"), encoding="utf-8")
    config = run("links", cwd=tmp_path)
    assert config.returncode == 2 and "allow_hosts must be a list" in config.stderr and config.stdout == ""


@pytest.mark.slow
def test_import_and_archive_refuse_internal_addresses_too(tmp_path: Path) -> None:
    with serve({}, fallback=Answer(200, b"{}")) as web:
        site = make_site_in(tmp_path)
        imported = run("import", web.url("/page.html"), cwd=tmp_path)
        assert imported.returncode == 1
        assert f"{web.url('/page.html')}: not fetched: 127.0.0.1 is not a public address (loopback)" \
            in imported.stdout
        site.write_claim("one.yml", claim_file(web, appearance="/ok", sources=["/report"]))
        archived = factcheck("archive", "--availability-api", web.url("/wayback/available"), "--wayback", web.base,
                             cwd=tmp_path, env=ENV, timeout=120)
        assert archived.returncode == 1 and "127.0.0.1 is not a public address (loopback)" in archived.stderr
        assert web.requests == []


# --- 3. Deadlines and memory ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_server_sending_a_byte_a_second_cannot_stretch_a_request(tmp_path: Path) -> None:
    body = b"x" * 1000
    trickle = Answer(200, body, headers={"X-Padding": "y" * 2000}, trickle=1.0)
    with serve({"/robots.txt": Answer(200, b"User-agent: *\nAllow: /\n" * 50, trickle=1.0),
                "/slow": trickle}) as web:
        site = make_site_in(tmp_path)
        site.write_claim("one.yml", claim_file(web, appearance="/slow", sources=["/slow"]))
        started = time.monotonic()
        proc = run("links", "--format", "json", "--timeout", "2", "--retries", "1", "--max-age", "0", *LOCAL,
                   cwd=tmp_path)
        took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    (finding,) = findings(proc).values()
    assert finding["status"] == "dead" and finding["message"] == "no answer within 2 s"
    # robots.txt (2 s) + two attempts of HEAD (2 s each) + the wait between them (1 s) + start-up
    assert took < 20, took  # about 9 s on a quiet machine; without the fix it ran past any limit


@pytest.mark.slow
def test_the_overall_deadline_reports_what_is_left_unchecked(tmp_path: Path) -> None:
    with serve({"/robots.txt": Answer(404)}, fallback=Answer(200, delay=20)) as web:
        site = make_site_in(tmp_path)
        site.write_claim("many.yml", claim_file(web, appearance="/a", sources=[f"/s{i}" for i in range(8)]))
        started = time.monotonic()
        proc = run("links", "--format", "json", "--timeout", "30", "--deadline", "2", "--max-age", "0", *LOCAL,
                   cwd=tmp_path)
        took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    found = findings(proc)
    assert len(found) == 9 and {f["status"] for f in found.values()} == {"unchecked"}
    assert found[web.url("/a")]["message"] == "not checked: the run's deadline (2 s) passed first"
    assert took < 10, took
    cache = json.loads((tmp_path / ".cache" / "factcheck" / "links.json").read_text(encoding="utf-8"))
    assert cache["results"] == {}  # never reused as if checked


def bomb(layers: int, size: int) -> bytes:
    """``size`` zero bytes gzipped ``layers`` times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 22)
    data = b"".join(packer.compress(chunk) for _ in range(size // len(chunk))) + packer.flush()
    for _ in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


@pytest.fixture(scope="module")
def bomb_512mib() -> bytes:
    # The answer was 2 GiB; 512 MiB takes a quarter of the time to make and is as far
    # past the caps (1 MiB here, the import's --max-bytes below).
    return bomb(2, 512 << 20)


@pytest.mark.slow
def test_stacked_encodings_are_decoded_under_the_cap(bomb_512mib: bytes) -> None:
    assert len(bomb_512mib) < 5_000  # a few KiB that would be 512 MiB
    tracemalloc.start()
    try:
        decoder = netguard.Decoder(["gzip", "gzip"], 1 << 20)
        out = decoder.feed(bomb_512mib)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert decoder.over and len(out) <= (1 << 20) + netguard.STEP
    assert peak < 16 << 20, peak
    with pytest.raises(netguard.FetchError, match="3 layers of Content-Encoding"):
        netguard.Decoder(["gzip", "gzip", "deflate"], 100)
    with pytest.raises(netguard.FetchError, match="the br encoding"):
        netguard.Decoder(["br"], 100)
    # what fits is decoded whole: gzip, zlib-wrapped and raw deflate
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    for codings, data in ((["gzip"], gzip.compress(b"hello" * 1000)), (["deflate"], zlib.compress(b"hello" * 1000)),
                          (["deflate"], raw_deflate.compress(b"hello" * 1000) + raw_deflate.flush()),
                          (["gzip", "deflate"], zlib.compress(gzip.compress(b"hello" * 1000)))):
        decoder = netguard.Decoder(codings, 10_000)
        assert b"".join(decoder.feed(data[i:i + 7]) for i in range(0, len(data), 7)) == b"hello" * 1000


@pytest.mark.slow
def test_links_and_import_hold_no_bomb(tmp_path: Path, bomb_512mib: bytes) -> None:
    headers = {"Content-Encoding": "gzip, gzip", "Content-Type": "text/html"}
    bombed = Answer(200, bomb_512mib, headers=headers)
    redirect_bomb = Answer(302, bomb_512mib, headers={**headers, "Location": "/ok"})
    with serve({"/robots.txt": bombed, "/page.html": bombed, "/ok": Answer(200),
                "/moved": redirect_bomb, "/no-head": lambda r: Answer(405) if r.method == "HEAD" else bombed}) as web:
        site = make_site_in(tmp_path)
        site.write_claim("one.yml", claim_file(web, appearance="/moved", sources=["/no-head"]))
        links = peak_memory(["links", "--format", "json", *QUICK, *LOCAL], tmp_path)
        imported = peak_memory(["import", web.url("/page.html"), "--max-bytes", "1000000", *LOCAL], tmp_path)
    assert links[0].returncode == 0, links[0].stdout + links[0].stderr
    assert imported[0].returncode == 1
    assert f"{web.url('/page.html')}: more than 1,000,000 bytes; raise --max-bytes" in imported[0].stdout
    assert links[1] < 200 << 20 and imported[1] < 200 << 20, (links[1], imported[1])


def peak_memory(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """The command's result and its peak resident memory in bytes (Linux: ru_maxrss in KiB)."""
    script = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
              "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", script, *FACTCHECK, *args], cwd=cwd, env={**ENV, "CI": "true"},
                          capture_output=True, text=True, timeout=120)
    *rest, peak = proc.stderr.rstrip("\n").split("\n")
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout, "\n".join(rest)), int(peak) * 1024


def test_every_workflow_job_has_a_time_limit() -> None:
    for file in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        for name, job in yaml.safe_load(file.read_text(encoding="utf-8"))["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int) and 0 < job["timeout-minutes"] <= 60, (file.name, name)


# --- 4. Unexpected answers --------------------------------------------------------------------------


def raw_redirect(location: bytes) -> Answer:
    return Answer(raw=b"HTTP/1.1 301 Moved\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")


@pytest.mark.slow
def test_strange_redirects_are_located_findings(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": Answer(404),
        "/js": raw_redirect(b"javascript:alert(document.domain)"),
        "/fullwidth": raw_redirect(FULLWIDTH.encode()),
        "/long": raw_redirect(b"http://a.example/" + b"x" * 70_000),
        "/long-host": raw_redirect(b"http://" + b"a" * 300 + b".example/"),
        "/bad-port": raw_redirect(b"http://a.example:99999/"),
        "/broken": raw_redirect(b"http://[::1/"),
        "/data": raw_redirect(b"data:text/html,<script>alert(1)</script>"),
        "/backticks": raw_redirect(b"/```\n@someone"),
        "/status": Answer(raw=b"HTTP/1.1 999 ```Whatever```\r\nContent-Length: 0\r\n\r\n"),
        "/garbage": Answer(raw=b"\x00\xff not http at all\r\n\r\n"),
    }
    with serve(routes) as web:  # type: ignore[arg-type]
        site = make_site_in(tmp_path)
        site.write_claim("odd.yml", claim_file(web, appearance="/js", sources=[p for p in routes if p not in (
            "/robots.txt", "/js")]))
        proc = run("links", "--format", "json", *QUICK, *LOCAL, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    found = {u.removeprefix(web.base): f for u, f in findings(proc).items()}
    assert {p: f["status"] for p, f in found.items()} == {
        "/js": "invalid", "/fullwidth": "invalid", "/long": "invalid", "/long-host": "invalid",
        "/bad-port": "invalid", "/broken": "invalid", "/data": "invalid", "/backticks": "dead",
        "/status": "dead", "/garbage": "dead"}
    assert found["/js"]["line"] == 3 and found["/js"]["message"].startswith(
        "redirects to a javascript: URL, not http(s): javascript:alert(document.domain)")
    assert "70,017 characters" in found["/long"]["message"]
    assert found["/status"]["message"] == "999"  # no reason phrase of the server's own
    text = run("links", *QUICK, *LOCAL, cwd=tmp_path).stdout
    assert "```" not in text and "\x00" not in text and "@someone" not in text.replace("%0A@someone", "")


@pytest.mark.slow
def test_a_crash_is_exit_3_never_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("one.yml", claim_file(LocalWeb({}, port=9), appearance="/a", sources=["/b"]))
    monkeypatch.chdir(tmp_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(linkcheck, "check_urls", broken)
    assert cli.main(["links", "--max-age", "0"]) == 3
    out = capsys.readouterr()
    assert out.out == "" and "factcheck links: the command failed: RuntimeError: a bug" in out.err
    assert "Traceback" not in out.err


@pytest.mark.slow
def test_the_links_workflow_fails_on_any_status_but_0_and_1(tmp_path: Path) -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "links.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["links"]["steps"]
    check = next(step for step in steps if step.get("id") == "check")
    assert [step.get("if") for step in steps if "gh issue" in step.get("run", "")] == [
        "steps.check.outputs.status == '1'", "steps.check.outputs.status == '0'"]
    fake = tmp_path / "bin"
    fake.mkdir()
    for status in (0, 1, 2, 3, 137):
        (fake / "factcheck").write_text(f"#!/bin/sh\necho report\nexit {status}\n", encoding="utf-8")
        (fake / "factcheck").chmod(0o755)
        output = tmp_path / f"output-{status}"
        proc = subprocess.run(["bash", "-e", "-c", check["run"]], cwd=tmp_path, capture_output=True, text=True,
                              env={"PATH": f"{fake}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output)}, timeout=30)
        assert output.read_text(encoding="utf-8") == f"status={status}\n"
        assert (proc.returncode == 0) == (status in (0, 1)), status  # a failed step: the issue steps are skipped


# --- The response handling, fuzzed -----------------------------------------------------------------


@pytest.mark.slow
def test_fuzzed_answers_give_a_finding_never_an_exception() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    header_text = st.one_of(
        st.sampled_from(["javascript:alert(1)", FULLWIDTH, "//127.0.0.1/", "http://10.0.0.1/",
                         "/ok", "http://[::1", "x" * 9000, "http://a.example:0/", "mailto:a@b", "\\\\host\\x",
                         "http://xn--/", "http://a..b/", "http://%00/", "gzip", "gzip, gzip, gzip", "br", ""]),
        st.text(max_size=60))
    answer = st.builds(
        lambda status, location, encoding, body, extra: Answer(raw=(
            f"HTTP/1.1 {status} X\r\n".encode() + (b"Location: " + location.encode("utf-8", "surrogatepass")
                                                  + b"\r\n" if location is not None else b"")
            + (b"Content-Encoding: " + encoding.encode("utf-8", "surrogatepass") + b"\r\n" if encoding else b"")
            + extra + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)),
        st.integers(0, 1200), st.none() | header_text, st.none() | header_text,
        st.binary(max_size=200) | st.sampled_from([gzip.compress(b"x" * 5000), b"\x1f\x8b\x08garbage"]),
        st.sampled_from([b"", b"Transfer-Encoding: chunked\r\n", b"Content-Length: 99999999999999999999\r\n",
                         b"Retry-After: 99999999999999999999999\r\n", b"Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n",
                         b"X: \xff\xfe\r\n", b"Bad header\r\n"]))
    current: list[Answer] = [Answer()]
    with serve({"/robots.txt": lambda r: current[0]}, fallback=lambda r: current[0]) as web:  # type: ignore[dict-item]
        settings_ = Settings(timeout=1, retries=1, backoff=0, robots=True, allow_hosts=frozenset({"127.0.0.1"}))

        @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(answer)
        def check(one: Answer) -> None:
            current[0] = one
            url = web.url("/page")
            result = in_thread(check_urls([url], settings_))[url]
            assert result.status in SEVERITY or result.status == "ok"
            shown = result.detail + result.final_url
            assert shown.isprintable() and "`" not in shown, shown
            fetched = in_thread(fetch_sources([url], 10_000, Network(1, 10, frozenset({"127.0.0.1"}))))[url]
            assert isinstance(fetched, bytes) or "`" not in str(fetched)

        check()


# --- 6. Unpublished work, and 11: symbolic links --------------------------------------------------------


@pytest.mark.slow
def test_links_and_archive_leave_unpublished_checks_alone(tmp_path: Path) -> None:
    with serve({"/robots.txt": Answer(404)}, fallback=Answer(200, b"{}")) as web:
        site = make_site_in(tmp_path)
        site.write_claim("public.yml", claim_file(web, appearance="/public", sources=["/public-source"]))
        site.write_claim("draft.yml", claim_file(web, appearance="/draft", sources=["/draft-source"])
                         + "status: draft\n")
        site.write_claim("review.yml", claim_file(web, appearance="/review", sources=["/review-source"])
                         + "status: review\n")
        site.write_claim("embargoed.yml", claim_file(web, appearance="/embargoed", sources=["/embargoed-source"])
                         .replace("published: 2025-01-30", "published: 2099-01-30\nreviewed_by: [A Reviewer]"))
        proc = run("links", *QUICK, *LOCAL, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout
        assert sorted(web.paths("HEAD")) == ["/public", "/public-source"]
        assert proc.stdout.splitlines()[-1] == ("2 links in 1 claim file checked: no problems; "
                                                "3 unpublished checks left out (--include-unpublished checks them)")
        web.requests.clear()
        every = run("links", *QUICK, *LOCAL, "--include-unpublished", cwd=tmp_path)
        assert every.returncode == 0 and len(set(web.paths("HEAD"))) == 8
        web.requests.clear()
        archive = ["archive", "--availability-api", web.url("/wayback/available"), "--wayback", web.base, *LOCAL,
                   "--save"]
        keys = {**ENV, "IA_ACCESS_KEY": "a", "IA_SECRET_KEY": "s"}
        saved = factcheck(*archive, cwd=tmp_path, env=keys, timeout=120)
        asked = " ".join(r.path + r.body.decode() for r in web.requests)
        assert "public-source" in asked and "draft" not in asked and "review" not in asked
        assert "embargoed" not in asked
        assert "3 unpublished checks left out (--include-unpublished archives them)" in saved.stderr


@pytest.mark.slow
def test_symbolic_links_out_of_the_claims_folder_are_not_followed(tmp_path: Path) -> None:
    with serve({"/robots.txt": Answer(404)}, fallback=Answer(200, b"{}")) as web:
        site = make_site_in(tmp_path / "site")
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (outside / "secret.yml").write_text(claim_file(web, appearance="/secret", sources=["/secret-source"]),
                                            encoding="utf-8")
        (site.claims / "linked.yml").symlink_to(outside / "secret.yml")
        (site.claims / "folder").symlink_to(outside, target_is_directory=True)
        site.write_claim("fine.yml", claim_file(web, appearance="/fine", sources=["/fine-source"]))
        proc = run("links", *QUICK, *LOCAL, cwd=site.root)
        named = run("links", *QUICK, *LOCAL, "claims/linked.yml", "claims/folder/secret.yml", "claims/folder",
                    cwd=site.root)
        archived = factcheck("archive", "--availability-api", web.url("/wayback/available"), "--wayback", web.base,
                             *LOCAL, "claims/folder/secret.yml", "claims/linked.yml", cwd=site.root, env=ENV,
                             timeout=120)
        assert "secret" not in " ".join(web.paths())
    assert proc.returncode == 1
    assert "claims/linked.yml:0:0: the file is a symbolic link that points outside the claims folder" in proc.stdout
    assert named.returncode == 1
    assert "claims/folder/secret.yml:0:0: the file is in a folder that is a symbolic link to outside the claims " \
           "folder" in named.stdout
    assert archived.returncode == 1 and "points outside the claims folder" in archived.stderr
    # the build refuses the same file
    assert "points outside the claims folder" in site.build().output


# --- 11. import: huge numbers, malformed input, drafts ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("digits", [4_000, 5_000, 100_000])
def test_a_huge_json_number_is_a_located_error(tmp_path: Path, digits: int) -> None:
    site = make_site_in(tmp_path)
    review = '{"@type": "ClaimReview",\n "claimReviewed": "A claim.",\n "reviewRating": ' + "9" * digits + "}"
    (tmp_path / "big.json").write_text(review, encoding="utf-8")
    (tmp_path / "page.html").write_text(f'<html><body>\n<p>x</p>\n<script type="application/ld+json">{review}\n'
                                        "</script></body></html>", encoding="utf-8")
    for name, line in (("big.json", 3), ("page.html", 5)):
        proc = run("import", name, "--map", "False=false", cwd=tmp_path)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        if digits > sys.get_int_max_str_digits():
            assert f"{name}:{line}: malformed JSON-LD: a number too long to read" in proc.stdout
        else:
            assert "no itemReviewed.author.name" in proc.stdout
    assert list(site.claims.iterdir()) == []


def test_malformed_markup_never_raises() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    json_like = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
        | st.sampled_from(["ClaimReview", "http://schema.org/ClaimReview", "<b>x</b>", "javascript:x"]),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
            st.sampled_from(["@type", "url", "claimReviewed", "itemReviewed", "reviewRating", "author", "name",
                             "datePublished", "appearance", "firstAppearance", "alternateName", "@graph",
                             "claimReviewMarkups", "claimReview", "text", "dataFeedElement", "item"]),
            inner, max_size=6), max_leaves=30)

    @settings(max_examples=150, deadline=None, database=None)
    @given(json_like, st.sampled_from(["json", "html", "bytes"]), st.binary(max_size=50))
    def check(data: object, shape: str, noise: bytes) -> None:
        from mkdocs_factcheck.tools.importer import SourceError, draft

        text = json.dumps(data)
        raw = {"json": text.encode(), "bytes": noise + text.encode(),
               "html": f'<script type="application/ld+json">{text}</script>'.encode() + noise}[shape]
        try:
            found = find_reviews(raw, "source")
        except SourceError:
            return
        for review in found:
            draft(review, {"false": "false"})

    check()


@pytest.mark.slow
def test_imported_checks_arrive_as_drafts(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    review = {"@type": "ClaimReview", "url": "https://x.example.org/checks/tram-fares",
              "claimReviewed": "Tram fares doubled.", "datePublished": "2025-02-01",
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A Person"}},
              "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    (tmp_path / "one.json").write_text(json.dumps(review), encoding="utf-8")
    proc = run("import", "one.json", "--map", "False=false", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert yaml.safe_load((site.claims / "tram-fares.yml").read_text(encoding="utf-8"))["status"] == "draft"
    assert proc.stdout.splitlines()[-1].endswith("as status: draft (review each, then publish it)")
    built = site.build()
    assert built.returncode == 0 and not (built.site / "claims" / "tram-fares").exists()
    (site.claims / "tram-fares.yml").unlink()
    assert run("import", "one.json", "--map", "False=false", "--status", "review", cwd=tmp_path).returncode == 0
    assert yaml.safe_load((site.claims / "tram-fares.yml").read_text(encoding="utf-8"))["status"] == "review"
