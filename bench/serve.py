"""Time `mkdocs serve` from editing one claim file to the rebuilt site, side by side.

Each mode is a real server (on 127.0.0.1, a free port) of its own copy of the site:
`mkdocs serve` as it is (full rebuilds) and the README's serve command with the options
`make serve` gives it (read from the Makefile, less --dev-addr). All are started first;
then each round edits one claim's summary in every copy in turn, each time waiting for
the log line "Reloading browsers" that MkDocs prints once the rebuild is written, and
fetches the page to check that the new summary is really served. Alternating the modes
lets machine noise hit them alike. The servers are always stopped.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
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
MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


@dataclass(frozen=True)
class ReloadResult:
    first_build_seconds: float  # as logged by the server for its initial build
    edit_to_reload_seconds: float  # file written -> "Reloading browsers"
    rebuild_seconds: float  # as logged by the server for the rebuild
    verified: bool  # the served page shows the new summary
    load: float  # the machine's 1-minute load average when the file was written


class Server:
    """A running `mkdocs serve` and its log, read line by line with arrival times."""

    def __init__(self, config_file: Path, options: list[str]) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config_file),
                   "--dev-addr", f"127.0.0.1:{self.port}", *options]
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


def make_serve_options(makefile: Path = MAKEFILE) -> list[str]:
    """The options `make serve` gives `mkdocs serve`, less its fixed --dev-addr (each server here
    takes a free port)."""
    for line in makefile.read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and "mkdocs serve" in line:
            words = shlex.split(line.split("mkdocs serve", 1)[1])
            options = []
            skip = False
            for word in words:
                if skip:
                    skip = False
                elif word in ("--dev-addr", "-a"):
                    skip = True
                elif not word.startswith("--dev-addr="):
                    options.append(word)
            return options
    raise RuntimeError(f"{makefile}: no `mkdocs serve` recipe line")


def measure_reloads(modes: dict[str, tuple[Path, list[str]]], claim: SyntheticClaim, edits: int = 3,
                    timeout: float = 600.0) -> dict[str, list[ReloadResult]]:
    """``modes``: name -> (config file of that mode's own copy of the site, `mkdocs serve` options)."""
    servers: dict[str, Server] = {}
    try:
        first: dict[str, float] = {}
        for name, (config_file, options) in modes.items():
            server = servers[name] = Server(config_file, options)
            server.wait_for("Serving on", timeout)
            first[name] = server.last_build_seconds()
        results: dict[str, list[ReloadResult]] = {name: [] for name in modes}
        for index in range(edits):
            for name, (config_file, _) in modes.items():
                server = servers[name]
                time.sleep(WATCHER_SETTLE_SECONDS)  # the watcher has seen the previous state
                marker = f"Reload-benchmark-edit-{index}."
                load = os.getloadavg()[0]
                edit_summary(config_file.parent / "claims", claim, marker)
                edited = time.monotonic()
                reloaded = server.wait_for("Reloading browsers", timeout)
                verified = marker in server.fetch(f"claims/{claim.id}/")
                results[name].append(ReloadResult(first[name], reloaded - edited, server.last_build_seconds(),
                                                  verified, load))
        return results
    finally:
        for server in servers.values():
            server.stop()
