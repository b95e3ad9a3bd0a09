"""The form editor: its Decap configuration cannot drift from the claim model, its page is
published only when asked (with its own CSP, readers' pages untouched), and the local
backend of `factcheck editor` reads and writes claim files and nothing else."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import claim_yaml, make_site_in
from mkdocs_factcheck import cli
from mkdocs_factcheck.claims.model import Claim, Correction, Quote, Source, Withdrawal, claim_json_schema
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE, RatingScale
from mkdocs_factcheck.claims.slugs import MAX_ID_LENGTH
from mkdocs_factcheck.output import editor
from mkdocs_factcheck.tools import editor_local

CUSTOM_SCALE = RatingScale.from_config([
    {"key": "wrong", "label": "Wrong", "value": 1, "colour": "#c62828", "description": "Not so."},
    {"key": "right", "label": "Right", "value": 2, "colour": "#2e7d32", "description": "So."},
])


def _forms(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [form for form in prop.get("anyOf", [prop]) if form.get("type") != "null"]


def _check_fields(fields: list[dict[str, Any]], schema: dict[str, Any], defs: dict[str, Any],
                  scale: RatingScale, where: str, optional: bool = False) -> None:
    """Every property of ``schema`` is a field with the same constraints, and nothing else is.
    Inside an ``optional`` object nothing is required (Decap would ask for it when it is empty)."""
    by_name = {field["name"]: field for field in fields}
    assert list(by_name) == list(schema["properties"]), f"{where}: fields differ from the model's"
    required = set() if optional else set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        field, at = by_name[name], f"{where}.{name}"
        assert field["required"] is (name in required), f"{at}: required differs"
        forms = _forms(prop)
        arrays = [form for form in forms if form.get("type") == "array"]
        refs = [defs[form["$ref"].rsplit("/", 1)[-1]] for form in forms if "$ref" in form]
        enum = [v for form in forms for v in form.get("enum", []) if isinstance(v, str)]
        patterns = {form["pattern"] for form in forms if "pattern" in form}
        if name == "verdict":
            assert [o["value"] for o in field["options"]] == list(scale.keys) == enum, at
            assert [o["label"] for o in field["options"]] == [r.label for r in scale], at
            for rating in scale:
                assert rating.description in field["hint"], at
        elif name == "related":
            assert field["widget"] == "relation" and field["multiple"] is True, at
            assert field["collection"] == editor.COLLECTION and field["value_field"] == "{{slug}}", at
            assert field["max"] == arrays[0]["maxItems"], at
        elif arrays and len(forms) > 1:  # one value or a list: our own widget
            assert field["widget"] == "factcheck-urls", at
            assert field["pattern_each"] == arrays[0]["items"]["pattern"] == next(iter(patterns)), at
            assert field.get("max") == arrays[0].get("maxItems"), at
        elif arrays:
            array = arrays[0]
            assert field["widget"] == "list", at
            assert field.get("min") == array.get("minItems") and field.get("max") == array.get("maxItems"), at
            items = array["items"]
            if "$ref" in items:
                nested = defs[items["$ref"].rsplit("/", 1)[-1]]
                _check_fields(field["fields"], nested, defs, scale, at)
            else:
                inner = field["field"]
                assert inner["required"] is True, at
                assert (inner.get("pattern") or [None])[0] == items.get("pattern"), at
        elif refs:
            assert field["widget"] == "object", at
            _check_fields(field["fields"], refs[0], defs, scale, at, optional=name not in required)
        elif enum:
            assert field["widget"] == "select" and [o["value"] for o in field["options"]] == enum, at
        elif any(form.get("format") == "date" for form in forms):
            assert field["widget"] == "datetime" and field["format"] == "YYYY-MM-DD", at
            assert field["time_format"] is False, at
        elif "Markdown" in prop.get("description", ""):
            assert field["widget"] == "markdown" and field["modes"] == ["raw"], at
        else:
            assert field["widget"] == "string", at
            assert {p for p in [(field.get("pattern") or [None])[0]] if p} == patterns, at
        if prop.get("description") and name != "verdict":  # the verdict's help is the scale's
            assert prop["description"] in field["hint"], f"{at}: the model's help text is missing"


@pytest.mark.parametrize("scale", [DEFAULT_SCALE, CUSTOM_SCALE], ids=["default", "custom"])
def test_editor_fields_follow_the_model_and_its_schema(scale: RatingScale) -> None:
    schema = claim_json_schema(scale)
    fields = editor.claim_fields(scale)
    assert [f["name"] for f in fields] == list(Claim.model_fields)  # the order Decap writes keys in
    _check_fields(fields, schema, schema["$defs"], scale, "Claim")
    # The nested models are all reached, in their own order.
    lists = {f["name"]: f for f in fields}
    assert [f["name"] for f in lists["sources"]["fields"]] == list(Source.model_fields)
    assert [f["name"] for f in lists["quotes"]["fields"]] == list(Quote.model_fields)
    assert [f["name"] for f in lists["corrections"]["fields"]] == list(Correction.model_fields)
    assert [f["name"] for f in lists["withdrawn"]["fields"]] == list(Withdrawal.model_fields)


def test_a_model_change_fails_the_drift_check() -> None:
    """The check is real: a field dropped from the editor or given another bound fails it."""
    schema = claim_json_schema()
    fields = editor.claim_fields(DEFAULT_SCALE)
    dropped = [f for f in fields if f["name"] != "tags"]
    with pytest.raises(AssertionError):
        _check_fields(dropped, schema, schema["$defs"], DEFAULT_SCALE, "Claim")
    loosened = json.loads(json.dumps(fields))
    next(f for f in loosened if f["name"] == "sources")["max"] = 500
    with pytest.raises(AssertionError):
        _check_fields(loosened, schema, schema["$defs"], DEFAULT_SCALE, "Claim")


@pytest.mark.slow
def test_collection_writes_files_as_factcheck_new_names_them() -> None:
    config = editor.cms_config(DEFAULT_SCALE, editor.EditorOptions.from_option(
        {"path": "admin/", "backend": {"name": "github", "repo": "desk/site"}}),
        folder="claims", media_folder="docs/assets/uploads", site_url="https://checks.example.org/")
    collection = config["collections"][0]
    assert (collection["folder"], collection["extension"], collection["format"]) == ("claims", "yml", "yml")
    assert collection["identifier_field"] == "claim"
    assert collection["slug"] == "{{claim | truncate(" + str(MAX_ID_LENGTH) + ", '')}}"  # factcheck new's length
    assert collection["delete"] is False
    assert config["publish_mode"] == "editorial_workflow"
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    # The pull request is the draft: a new check says no status (published once merged) ...
    status = next(f for f in collection["fields"] if f["name"] == "status")
    assert "default" not in status
    # ... while a save that lands at once (simple workflow, factcheck editor) starts as a draft.
    simple = editor.collection(DEFAULT_SCALE, "claims", workflow=False)
    assert next(f for f in simple["fields"] if f["name"] == "status")["default"] == "draft"
    # What Decap parses is what we meant (JSON Schema-valid YAML, no tags).
    assert yaml.safe_load(editor.config_yaml(config)) == config


@pytest.mark.parametrize("value, problem", [
    ("admin/", "must be a mapping"),
    ({"path": "admin/"}, "must name a Decap backend"),
    ({"path": "../x", "backend": {"name": "github"}}, "editor.path"),
    ({"path": "admin/", "backend": {"name": "github"}, "workflow": "fast"}, "editor.workflow"),
    ({"path": "admin/", "backend": {"name": "github"}, "colour": 1}, "unknown key"),
])
def test_bad_editor_options_say_what_to_write(value: object, problem: str) -> None:
    with pytest.raises(editor.EditorOptionError, match=problem):
        editor.EditorOptions.from_option(value)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor-site")
    site = make_site_in(root, plugin_options="""
        editor:
          path: desk/edit/
          backend: {name: github, repo: desk/site, branch: main, base_url: https://oauth.example.org}
    """)
    site.write_claim("deepseek-r1-cost.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return result.site


@pytest.mark.slow
def test_the_site_publishes_the_editor_page_from_the_package(built: Path) -> None:
    page = built / "desk" / "edit"
    html = (page / "index.html").read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    policy = csp.group(1).replace("&#x27;", "'")
    assert "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval';" in policy  # no inline script, no CDN
    assert "https://api.github.com" in policy and "https://oauth.example.org" in policy
    assert "noindex" in html and re.findall(r'<script src="([^"]+)"', html) == ["decap-cms.js", "editor.js"]
    assert (page / "decap-cms.js").stat().st_size == (editor.VENDOR / "decap-cms.js").stat().st_size
    assert (page / "LICENSE-decap-cms.txt").read_text().startswith("Copyright (c) 2016 Netlify")
    chunks = {p.name for p in editor.VENDOR.glob("[0-9]*.decap-cms.js")}
    assert chunks and chunks <= {p.name for p in page.iterdir()}
    config = yaml.safe_load((page / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["repo"] == "desk/site" and config["collections"][0]["folder"] == "claims"
    # Readers' pages are not touched: no editor script, the claim page as before.
    claim_page = (built / "claims" / "deepseek-r1-cost" / "index.html").read_text(encoding="utf-8")
    assert "decap" not in claim_page.lower()
    # Drafts are not in it: the editor fetches claims from the git backend at run time only.
    assert "two months" not in html and "two months" not in (page / "config.yml").read_text()


@pytest.mark.slow
def test_no_editor_page_unless_asked(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("deepseek-r1-cost.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert not (result.site / "admin").exists()
    assert not list(result.site.rglob("decap-cms.js"))


# --- the local backend ----------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[editor_local.EditorServer, Path]]:
    site = make_site_in(tmp_path)
    site.write_claim("deepseek-r1-cost.yml", claim_yaml())
    (tmp_path / "secret.txt").write_text("keep out", encoding="utf-8")
    server = editor_local.make_server(tmp_path / "mkdocs.yml", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, tmp_path
    server.shutdown()
    server.server_close()


def _post(server: editor_local.EditorServer, body: object, *, host: str = "", origin: str | None = None,
          content_type: str = "application/json") -> tuple[int, Any]:
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host or f"127.0.0.1:{port}", "Content-Type": content_type}
    if origin is not None:
        headers["Origin"] = origin
    conn.request("POST", "/api/v1", json.dumps(body), headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


@pytest.mark.slow
def test_local_backend_lists_reads_and_writes_claim_files(local: tuple[editor_local.EditorServer, Path]) -> None:
    server, root = local
    assert server.server_address[0] == "127.0.0.1"
    status, info = _post(server, {"action": "info", "params": {}})
    assert status == 200 and info["type"] == "local_fs"
    status, entries = _post(server, {"action": "entriesByFolder",
                                     "params": {"folder": "claims", "extension": "yml", "depth": 1}})
    assert status == 200 and [e["file"]["path"] for e in entries] == ["claims/deepseek-r1-cost.yml"]
    assert entries[0]["data"] == (root / "claims" / "deepseek-r1-cost.yml").read_text()
    raw = claim_yaml(verdict="false")
    status, _ = _post(server, {"action": "persistEntry", "params": {
        "entry": {"slug": "new-one", "path": "claims/new-one.yml", "raw": raw}, "assets": [],
        "options": {"commitMessage": "x", "useWorkflow": False, "status": ""}}},
        origin=server.origin)
    assert status == 200 and (root / "claims" / "new-one.yml").read_text() == raw


@pytest.mark.slow
@pytest.mark.parametrize("path", ["secret.txt", "claims/../secret.txt", "claims/../mkdocs.yml", "/etc/x.yml",
                                  "claims/sub/x.yml", "claims/Bad Name.yml", "docs/index.yml"])
def test_local_backend_touches_nothing_but_claim_files(local: tuple[editor_local.EditorServer, Path],
                                                       path: str) -> None:
    server, root = local
    status, entry = _post(server, {"action": "getEntry", "params": {"path": path}})
    assert status == 200 and entry["data"] is None
    status, answer = _post(server, {"action": "persistEntry", "params": {
        "entry": {"slug": "x", "path": path, "raw": "claim: x\n"}, "assets": [], "options": {}}})
    assert status == 422 and "not a claim file" in answer["error"]
    assert (root / "secret.txt").read_text() == "keep out"


@pytest.mark.slow
def test_local_backend_refuses_other_sites_and_hosts(local: tuple[editor_local.EditorServer, Path]) -> None:
    server, root = local
    body = {"action": "persistEntry", "params": {
        "entry": {"slug": "x", "path": "claims/x.yml", "raw": claim_yaml()}, "assets": [], "options": {}}}
    assert _post(server, body, origin="https://evil.example")[0] == 403  # a page elsewhere in the browser
    assert _post(server, body, host="evil.example:80")[0] == 404  # DNS rebinding
    assert _post(server, body, content_type="text/plain")[0] == 415  # a form post needs no preflight
    assert _post(server, {"action": "deleteFile", "params": {"path": "claims/deepseek-r1-cost.yml"}})[0] == 422
    assert not (root / "claims" / "x.yml").exists()
    assert (root / "claims" / "deepseek-r1-cost.yml").exists()


# --- saving keeps what the form did not change ----------------------------------------------

REPO_CLAIMS = Path(__file__).resolve().parent.parent / "claims"


def _changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    import difflib

    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    return removed, added


@pytest.mark.parametrize("name", sorted(p.name for p in REPO_CLAIMS.glob("*.yml"))[:6])
def test_a_save_rewrites_only_the_fields_the_form_changed(name: str) -> None:
    """Decap writes the whole file from its data (comments gone, text re-flowed); the local
    backend keeps every untouched field of a hand-written file as it was."""
    old = (REPO_CLAIMS / name).read_text(encoding="utf-8")
    data = yaml.safe_load(old)
    data["verdict"] = "false" if data["verdict"] != "false" else "true"
    data["corrections"] = [*data.get("corrections", []), {"date": "2026-12-03", "note": "Changed the verdict."}]
    rewritten = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=60)  # like Decap: another style
    merged = editor_local.keep_untouched(old, rewritten)
    assert yaml.safe_load(merged) == data
    removed, added = _changed_lines(old, merged)
    assert removed == [next(line for line in old.splitlines() if line.startswith("verdict:"))], removed
    assert added[0].startswith("verdict:") and all(line.startswith(("corrections:", "  ")) for line in added[1:])
    assert "Changed the verdict." in "".join(added)


def test_keeping_untouched_fields_never_changes_what_was_saved() -> None:
    old = "# notes\nclaim: A\nverdict: mostly-true  # why\nsummary: >-\n  Folded\n  text.\n"
    new = "claim: A\nverdict: \"false\"\nsummary: Folded text.\nstatus: draft\n"
    merged = editor_local.keep_untouched(old, new)
    assert merged == "# notes\nclaim: A\nverdict: \"false\"\nsummary: >-\n  Folded\n  text.\nstatus: draft\n"
    assert editor_local.keep_untouched("not: [valid", new) == new
    assert editor_local.keep_untouched("- a list\n", new) == new


@pytest.mark.slow
def test_a_bad_editor_option_fails_the_build_naming_it(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="editor: {path: admin/, backend: {name: dropbox}}")
    site.write_claim("deepseek-r1-cost.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0
    assert "plugins.factcheck.editor.backend must name a Decap backend" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_factcheck_editor_says_when_its_port_is_taken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    make_site_in(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["editor", "-f", str(tmp_path / "mkdocs.yml"), "--port", str(port)])
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.slow
def test_factcheck_generate_writes_the_editor_page_too(tmp_path: Path) -> None:
    """The generator adapter (Zensical) publishes the same editor page as the plugin."""
    site = make_site_in(tmp_path, plugin_options="editor: {path: admin/, backend: {name: gitlab, repo: desk/site}}")
    site.write_claim("deepseek-r1-cost.yml", claim_yaml())
    assert cli.main(["generate", "-f", str(tmp_path / "mkdocs.yml")]) == 0
    admin = tmp_path / "docs" / "admin"
    assert (admin / "decap-cms.js").read_bytes() == (editor.VENDOR / "decap-cms.js").read_bytes()
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == {"name": "gitlab", "repo": "desk/site"}
    assert config["collections"][0]["folder"] == "claims"
    assert "https://gitlab.com" in (admin / "index.html").read_text(encoding="utf-8")
