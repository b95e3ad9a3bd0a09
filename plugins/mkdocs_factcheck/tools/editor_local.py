"""``factcheck editor``: the form editor against the local checkout, with no account and no network.

Takes the site's ``mkdocs.yml``; serves, on 127.0.0.1 only, the editor page (``editor``) at
``/admin/`` and Decap's local-backend protocol at ``/api/v1`` (the JSON actions Decap's own
``decap-server`` answers in its file-system mode: ``info``, ``entriesByFolder``,
``entriesByFiles``, ``getEntry``, ``persistEntry``, ``getMedia``), so no Node is needed. It is
stricter than ``decap-server``: it reads and writes claim files (``<claims_dir>/<id>.yml``)
and nothing else, refuses media and deletions, answers only requests addressed to its own
host and port (a web page elsewhere cannot reach it by DNS rebinding) and, for writes, only
from its own origin with a JSON body. Each saved file is validated as ``factcheck validate``
does, and its problems printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from ..claims.model import ID_PATTERN
from ..output import editor
from ..project.mkdocs_yml import read_config
from ..project.report import format_text
from ..project.site import read_site
from ..project.validation import validate

ADMIN = "/admin/"
API = "/api/v1"
MAX_BODY = 8 * 1024 * 1024
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".yml": "text/yaml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".wasm": "application/wasm"}


class ActionError(Exception):
    """A request the local backend refuses; the message says why (Decap shows it)."""


class LocalBackend:
    """The claim files of one site, as Decap's file-system proxy serves them."""

    def __init__(self, root: Path, folder: str, max_bytes: int,
                 on_saved: Callable[[Path], None] | None = None) -> None:
        self.root = root.resolve()
        self.folder = folder.strip("/")
        self.max_bytes = max_bytes
        self.on_saved = on_saved
        self._lock = threading.Lock()

    def claim_path(self, path: Any) -> Path:
        """The file a request names, if it is a claim file of this site; else ActionError."""
        if not isinstance(path, str):
            raise ActionError("path must be text")
        folder, _, name = path.replace("\\", "/").rpartition("/")
        stem = name.removesuffix(".yml")
        if folder != self.folder or not name.endswith(".yml") or not re.fullmatch(ID_PATTERN, stem):
            raise ActionError(f"{path!r} is not a claim file of this site ({self.folder}/<id>.yml)")
        target = (self.root / self.folder / name).resolve()
        if target.parent != (self.root / self.folder).resolve():
            raise ActionError(f"{path!r} leads out of the claims folder")
        return target

    def _entry(self, path: str) -> dict[str, Any]:
        try:
            target = self.claim_path(path)
            data = target.read_bytes() if target.is_file() else None
        except (ActionError, OSError):
            data = None
        if data is None:
            return {"data": None, "file": {"path": path, "id": None}}
        return {"data": data.decode("utf-8", "replace"),
                "file": {"path": path, "id": hashlib.sha256(data).hexdigest()}}

    def handle(self, body: Any) -> Any:
        if not isinstance(body, dict):
            raise ActionError("the request must be a JSON object with an action")
        action, params = body.get("action"), body.get("params") or {}
        if not isinstance(params, dict):
            raise ActionError("params must be an object")
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            if str(params.get("folder", "")).strip("/") != self.folder:
                return []
            folder = self.root / self.folder
            names = sorted(p.name for p in folder.glob("*.yml") if p.is_file()) if folder.is_dir() else []
            return [self._entry(f"{self.folder}/{name}") for name in names]
        if action == "entriesByFiles":
            files = params.get("files") or []
            return [self._entry(str(f.get("path", ""))) for f in files if isinstance(f, dict)]
        if action == "getEntry":
            return self._entry(str(params.get("path", "")))
        if action == "persistEntry":
            return self._persist(params)
        if action == "getMedia":
            return []
        if action == "getDeployPreview":
            return None
        raise ActionError(f"the local editor does not {action!r}: claims are edited, never deleted, "
                          "and carry no uploads")

    def _persist(self, params: dict[str, Any]) -> dict[str, str]:
        entries = params.get("dataFiles") or [params.get("entry")]
        if params.get("assets"):
            raise ActionError("claim files carry no uploads")
        writes: list[tuple[Path, bytes]] = []
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("raw"), str):
                raise ActionError("an entry needs a path and its text")
            if entry.get("newPath") and entry["newPath"] != entry.get("path"):
                raise ActionError("a claim's id never changes once made (it is its public URL)")
            raw = entry["raw"] if entry["raw"].endswith("\n") else entry["raw"] + "\n"
            data = raw.encode("utf-8")
            if len(data) > self.max_bytes:
                raise ActionError(f"the file would be {len(data)} bytes, over max_file_bytes ({self.max_bytes})")
            writes.append((self.claim_path(entry.get("path")), data))
        with self._lock:
            for target, data in writes:
                if target.is_file():  # keep what the form did not touch as the file had it
                    data = keep_untouched(target.read_text(encoding="utf-8"), data.decode("utf-8")).encode("utf-8")
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.saving")
                partial.write_bytes(data)
                os.replace(partial, target)
        for target, _ in writes:
            if self.on_saved is not None:
                self.on_saved(target)
        return {"message": "entry persisted"}


# --- keeping what the form did not change -------------------------------------------------


def _top_level_spans(text: str) -> tuple[str, list[tuple[str, str, str]]] | None:
    """``text`` as (the lines before the first key, [(key, its lines, the comment and blank
    lines after its value)]); None unless it is a plain mapping of text keys."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return None
    lines = text.splitlines(keepends=True)
    starts = [key.start_mark.line for key, _ in node.value]
    spans = []
    for n, (key, value) in enumerate(node.value):
        if not isinstance(key, yaml.ScalarNode) or key.start_mark.column != 0:
            return None
        end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
        following = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = min(max(end, starts[n] + 1), following)
        spans.append((key.value, "".join(lines[starts[n]:end]), "".join(lines[end:following])))
    return "".join(lines[:starts[0]]), spans


def _items(body: str) -> tuple[str, list[str], int] | None:
    """A top-level list field's lines as (its key line, each item's lines, the dash's column)."""
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return None
    key, sequence = node.value[0]
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
        return None
    lines = body.splitlines(keepends=True)
    starts = [item.start_mark.line for item in sequence.value]
    if starts[0] == key.start_mark.line or len(set(starts)) != len(starts):
        return None
    bounds = [*starts, len(lines)]
    items = ["".join(lines[bounds[n]:bounds[n + 1]]) for n in range(len(starts))]
    dash = lines[starts[0]].index("-")
    return "".join(lines[:starts[0]]), items, dash


def _splice_items(old_body: str, new_body: str, old: list[Any], new: list[Any]) -> str:
    """A changed list: the items that did not change as the file had them, the others as written."""
    old_items, new_items = _items(old_body), _items(new_body)
    if old_items is None or new_items is None:
        return new_body
    head, kept, old_dash = old_items
    _, fresh, new_dash = new_items
    shift = old_dash - new_dash

    def indented(text: str) -> str:
        if shift >= 0:
            return "".join(" " * shift + line if line.strip() else line for line in text.splitlines(keepends=True))
        return "".join(line[-shift:] if line[:-shift].isspace() else line for line in text.splitlines(keepends=True))

    return head + "".join(kept[n] if n < len(old) and old[n] == item else indented(fresh[n])
                          for n, item in enumerate(new))


def keep_untouched(old: str, new: str) -> str:
    """What Decap wrote (``new``), with every top-level field whose value it did not change
    kept as the file had it (its comments, quoting and line breaks), in the file's own order.
    Decap rewrites the whole file from its data; this keeps a pull request's diff to the
    fields the form changed. Falls back to ``new`` whenever the result would mean anything else."""
    try:
        old_data, new_data = yaml.safe_load(old), yaml.safe_load(new)
    except yaml.YAMLError:
        return new
    old_spans, new_spans = _top_level_spans(old), _top_level_spans(new)
    if not isinstance(old_data, dict) or not isinstance(new_data, dict) or old_spans is None or new_spans is None:
        return new
    header, kept = old_spans
    fresh = {key: body for key, body, _ in new_spans[1]}
    new_keys = list(new_data)
    after: dict[str | None, list[str]] = {}  # a new field goes after the field before it in the form
    for n, key in enumerate(new_keys):
        if key not in old_data:
            before = next((k for k in reversed(new_keys[:n]) if k in old_data), None)
            after.setdefault(before, []).append(key)
    parts = [header, *(fresh[key] for key in after.get(None, []))]
    for key, body, trailing in kept:
        if key not in new_data:
            continue  # cleared in the form
        if old_data[key] == new_data[key]:
            parts.append(body)
        elif isinstance(old_data[key], list) and isinstance(new_data[key], list):
            parts.append(_splice_items(body, fresh[key], old_data[key], new_data[key]))
        else:
            parts.append(fresh[key])
        parts.append(trailing)
        parts.extend(fresh[k] for k in after.get(key, []))
    merged = "".join(parts)
    try:
        same = yaml.safe_load(merged) == new_data
    except yaml.YAMLError:
        same = False
    return merged if same else new


class EditorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, backend: LocalBackend, page: Callable[[str], dict[str, str | Path]]) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.backend = backend
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"
        self.files = page(self.origin + API)

    @property
    def hosts(self) -> set[str]:
        port = self.server_address[1]
        return {f"127.0.0.1:{port}", f"localhost:{port}"}


class _Handler(BaseHTTPRequestHandler):
    server: EditorServer
    server_version = "factcheck-editor"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: saves and their problems are printed instead

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _host_ok(self) -> bool:
        return self.headers.get("Host", "") in self.server.hosts

    def do_GET(self) -> None:
        if not self._host_ok():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"wrong host\n", "text/plain")
        path = self.path.split("?", 1)[0]
        if path in ("/", "/admin"):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", ADMIN)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        name = path.removeprefix(ADMIN) or "index.html"
        found = self.server.files.get(name) if path.startswith(ADMIN) else None
        if found is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        body = found.read_bytes() if isinstance(found, Path) else found.encode()
        return self._send(HTTPStatus.OK, body, _TYPES.get(Path(name).suffix, "application/octet-stream"))

    def do_POST(self) -> None:
        if not self._host_ok() or self.path != API:
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        # Same origin only: another site open in the browser cannot write claim files.
        origin = self.headers.get("Origin")
        if origin not in (None, self.server.origin, self.server.origin.replace("127.0.0.1", "localhost")):
            return self._json(HTTPStatus.FORBIDDEN, {"error": "requests come from the editor page only"})
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send JSON"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "request too large"})
        try:
            body = json.loads(self.rfile.read(length) or b"null")
            return self._json(HTTPStatus.OK, self.server.backend.handle(body))
        except (ActionError, ValueError) as exc:
            return self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(exc)})


# --- the command --------------------------------------------------------------------------


def make_server(config_file: Path, port: int, *, quiet: bool = False) -> EditorServer:
    """The editor of the site of ``config_file`` on 127.0.0.1:``port`` (0: any free port)."""
    site = read_site(config_file)
    config = read_config(config_file) if config_file.is_file() else {}
    base = config_file.parent.resolve()
    folder = os.path.relpath(site.claims_dir.resolve(), base).replace(os.sep, "/")
    if folder.startswith(".."):
        raise editor.EditorOptionError(f"claims_dir {folder} is outside the site's folder")

    def check(path: Path) -> None:
        report = validate([path], site, base)
        shown = path.relative_to(base).as_posix()
        print(f"saved {shown}", flush=True)
        for line in format_text(report):
            print("  " + line, flush=True)

    backend = LocalBackend(base, folder, site.max_file_bytes, None if quiet else check)
    docs_dir = str(config.get("docs_dir") or "docs")
    title = f"{config.get('site_name') or 'Fact checks'}: editor"

    def page(proxy_url: str) -> dict[str, str | Path]:
        cms = editor.cms_config(site.scale, editor.EditorOptions(), folder=folder,
                                media_folder=f"{docs_dir}/assets/uploads",
                                backend={"name": "proxy", "proxy_url": proxy_url})
        texts, copies = editor.page_files(cms, title)
        return {**texts, **copies}

    return EditorServer(port, backend, page)
