"""How long `factcheck links` takes over 1,000 claims' URLs, against local servers.

    .venv/bin/python bench/links.py                  # 1,000 claims, 4 URLs each, 10 hosts
    .venv/bin/python bench/links.py --claims 200 --hosts 4

Writes a temporary site whose claims cite pages on `--hosts` web servers on 127.0.0.1
(one port each, so each is a host to the per-host limit); one page in a hundred is
gone and one in fifty has moved. Times a full check (`--max-age 0`) and a cached rerun
with the default options (2 requests at a time per host, 16 in all).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        number = int(self.path.rsplit("/", 1)[-1] or 0) if self.path.startswith("/page/") else -1
        if self.path == "/robots.txt" or number % 100 == 99:
            self.send_response(404)
        elif number % 50 == 7:
            self.send_response(301)
            self.send_header("Location", f"/page/{number + 1}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        pass


def claim(n: int, ports: list[int]) -> str:
    def url(k: int) -> str:
        return f"http://127.0.0.1:{ports[(n * 4 + k) % len(ports)]}/page/{n * 4 + k}"

    return (f"claim: Claim number {n}.\nclaimant: Someone\nappearance: {url(0)}\nverdict: misleading\n"
            f"summary: The short answer.\nsources:\n  - title: A report\n    url: {url(1)}\n"
            f"    archive_url: {url(2)}\nquotes:\n  - expert: An Expert\n    text: Words.\n"
            f"    source: {url(3)}\npublished: 2025-01-30\n")


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=10)
    args = parser.parse_args()
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(args.hosts)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [server.server_address[1] for server in servers]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "claims").mkdir()
        for n in range(args.claims):
            (root / "claims" / f"claim-{n}.yml").write_text(claim(n, ports), encoding="utf-8")
        command = [sys.executable, "-m", "mkdocs_factcheck.cli", "links", "--format", "json",
                   "--allow-host", "127.0.0.1"]  # the local servers: loopback is refused otherwise
        for label, extra in (("full check", ["--max-age", "0"]), ("cached rerun", [])):
            started, cpu = time.perf_counter(), _child_cpu()
            proc = subprocess.run([*command, *extra], cwd=root, capture_output=True, text=True)
            elapsed, cpu = time.perf_counter() - started, _child_cpu() - cpu
            data = json.loads(proc.stdout)
            print(f"{label}: {elapsed:.1f} s ({cpu:.1f} s CPU in factcheck) for {data['checked']['urls']} URLs "
                  f"in {data['checked']['files']} files ({len(data['findings'])} findings, exit {proc.returncode})")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
