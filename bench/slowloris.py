"""How long `factcheck links` can be kept running by a server that answers one byte a second.

    .venv/bin/python bench/slowloris.py                       # the cases below, default options
    .venv/bin/python bench/slowloris.py --urls 40 --extra --deadline 60

Starts a web server on 127.0.0.1 whose every answer (robots.txt included) comes one byte
a second, writes a site whose claims cite `--urls` pages on it, and times `factcheck links
--max-age 0` with the default options and with `--timeout 2` (issue 21: it used to run
indefinitely). Each request is bounded by `--timeout` in total, each run by `--deadline`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Trickle(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nX-Padding: " + b"x" * 100_000 + b"\r\n\r\n"
        try:
            for byte in range(len(answer)):
                self.wfile.write(answer[byte:byte + 1])
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass

    do_GET = do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        pass


def claim(n: int, urls: list[str]) -> str:
    sources = "".join(f"  - title: A report\n    url: {url}\n" for url in urls)
    return (f"claim: Claim number {n}.\nclaimant: Someone\nverdict: misleading\nsummary: The short answer.\n"
            f"sources:\n{sources}published: 2025-01-30\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", type=int, default=1)
    parser.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more options for factcheck links")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "claims").mkdir()
        (root / "claims" / "slow.yml").write_text(claim(0, [f"{base}/page/{i}" for i in range(args.urls)]),
                                                  encoding="utf-8")
        command = [sys.executable, "-m", "mkdocs_factcheck.cli", "links", "--max-age", "0",
                   "--allow-host", "127.0.0.1"]
        cases = [("defaults", [*args.extra]), ("--timeout 2", ["--timeout", "2", *args.extra])]
        for label, extra in cases:
            started = time.perf_counter()
            proc = subprocess.run([*command, *extra], cwd=root, capture_output=True, text=True)
            took = time.perf_counter() - started
            print(f"{args.urls} URL(s), {label} {' '.join(args.extra)}: exit {proc.returncode} in {took:.1f} s; "
                  f"{proc.stdout.strip().splitlines()[-1]}")
    server.shutdown()


if __name__ == "__main__":
    main()
