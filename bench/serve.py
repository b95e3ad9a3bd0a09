"""Time `mkdocs serve --livereload` from editing one claim file to the rebuilt site.

Starts the real server on 127.0.0.1 and a free port, waits for its first build,
changes one claim's summary, and waits for the log line "Reloading browsers"
that MkDocs prints once the rebuild is written. The page is then fetched to
check that the new summary is really served. The server is always stopped.
"""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from corpus import SyntheticClaim
from measure import child_env
from sites import claim_mapping, mapping_yaml

BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")
WATCHER_SETTLE_SECONDS = 2.0  # MkDocs' polling watcher looks every 0.5 s


@dataclass(frozen=True)
class ReloadResult:
    first_build_seconds: float  # as logged by the server for its initial build
    edit_to_reload_seconds: float  # file written -> "Reloading browsers"
    rebuild_seconds: float  # as logged by the server for the rebuild
    verified: bool  # the served page shows the new summary


class Server:
    """A running `mkdocs serve` and its log, read line by line with arrival times."""

    def __init__(self, config_file: Path, dirty: bool = False) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config_file),
                   "--dev-addr", f"127.0.0.1:{self.port}", "--livereload", *(["--dirty"] if dirty else [])]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=child_env(), cwd=config_file.parent)
        self.log: list[str] = []
        self._lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put((time.monotonic(), line.rstrip()))

    def wait_for(self, text: str, timeout: float) -> float:
        """When the first log line containing ``text`` arrived (time.monotonic)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                stamp, line = self._lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(self._problem(f"the server exited ({self.process.returncode})")) from None
                continue
            self.log.append(line)
            if text in line:
                return stamp
        raise TimeoutError(self._problem(f"no {text!r} in the server log after {timeout:.0f} s"))

    def _problem(self, message: str) -> str:
        return message + ":\n" + "\n".join(self.log[-20:])

    def last_build_seconds(self) -> float:
        for line in reversed(self.log):
            match = BUILT.search(line)
            if match:
                return float(match.group(1))
        return float("nan")

    def fetch(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=30) as answer:
            body: bytes = answer.read()
            return body.decode("utf-8")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def edit_summary(claims_dir: Path, claim: SyntheticClaim, marker: str) -> None:
    data = claim_mapping(claim)
    data["summary"] = f"{marker} {claim.summary}"
    (claims_dir / f"{claim.id}.yml").write_text(mapping_yaml(data), encoding="utf-8")


def measure_reload(config_file: Path, claim: SyntheticClaim, edits: int = 3,
                   timeout: float = 600.0, dirty: bool = False) -> list[ReloadResult]:
    server = Server(config_file, dirty)
    try:
        server.wait_for("Serving on", timeout)
        first = server.last_build_seconds()
        results = []
        for index in range(edits):
            time.sleep(WATCHER_SETTLE_SECONDS)  # the watcher has seen the previous state
            marker = f"Reload-benchmark-edit-{index}."
            edit_summary(config_file.parent / "claims", claim, marker)
            edited = time.monotonic()
            reloaded = server.wait_for("Reloading browsers", timeout)
            verified = marker in server.fetch(f"claims/{claim.id}/")
            results.append(ReloadResult(first, reloaded - edited, server.last_build_seconds(), verified))
        return results
    finally:
        server.stop()
