"""The form editor: Decap CMS configured from the claim model, and the files of its page.

Takes the site's rating scale, the editor options (``editor:`` under the plugin in
``mkdocs.yml``) and where the claims live; gives the Decap collection (one form field per
field of ``model.Claim``, with its label, help text, widget and constraints, read from the
model's JSON Schema so the two cannot drift), the whole ``config.yml``, and the editor page
as files (an HTML shell with its own Content Security Policy, our escaping preview, and the
Decap build vendored under ``vendor/decap-cms/`` at a pinned version: nothing is loaded from
a CDN). Knows nothing of MkDocs: the plugin publishes these files, ``factcheck editor``
(``editor_local``) serves them with a local backend.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..claims.model import Claim, claim_json_schema
from ..claims.scale import RatingScale

VENDOR = Path(__file__).parents[1] / "vendor" / "decap-cms"
PAGE = Path(__file__).parents[1] / "editor_page"
COLLECTION = "claims"
WORKFLOWS = {"simple": "simple", "editorial": "editorial_workflow"}
BACKENDS = ("github", "gitlab", "gitea", "forgejo", "bitbucket", "git-gateway", "azure", "aws-cognito-github-proxy",
            "proxy", "test-repo")
# Where each hosted backend's API lives unless `api_root` says otherwise (the page's CSP allows it).
_API_ROOTS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com",
              "bitbucket": "https://api.bitbucket.org", "gitea": "https://try.gitea.io"}
NEW_ID_LENGTH = 60  # cli.MAX_ID_LENGTH: how long `factcheck new` makes an id
DATE_FORMAT = "YYYY-MM-DD"  # moment.js tokens: what Decap writes, what the loader reads as a date
_PATTERN_HELP = {
    "^https?://": "a full address starting with https:// (or http://)",
}


class EditorOptionError(ValueError):
    """The ``editor`` option cannot be used; the message names the key and what to write."""


@dataclass(frozen=True)
class EditorOptions:
    """The ``editor:`` option, checked. ``path`` is where the page is published ("" = not at all)."""

    path: str = ""
    backend_json: str = ""  # Decap's backend settings, as JSON: the settings stay hashable
    workflow: str = "editorial"
    folder: str = ""  # the claims folder relative to the repository root, when mkdocs.yml is not there

    @property
    def backend(self) -> dict[str, Any] | None:
        return json.loads(self.backend_json) if self.backend_json else None

    @classmethod
    def from_option(cls, value: Any) -> EditorOptions:
        if value is None or value is False:
            return cls()
        if not isinstance(value, Mapping):
            raise EditorOptionError("editor must be a mapping with path and backend, e.g. "
                                    "{path: admin/, backend: {name: github, repo: desk/site}}")
        unknown = sorted(set(value) - {"path", "backend", "workflow", "folder"})
        if unknown:
            raise EditorOptionError(f"editor: unknown key(s) {', '.join(unknown)}; "
                                    "the keys are path, backend, workflow, folder")
        path = value.get("path", "admin/")
        if not isinstance(path, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*/?", path):
            raise EditorOptionError(f"editor.path is {path!r}; write a folder of the site such as admin/")
        backend = value.get("backend")
        if not isinstance(backend, Mapping) or backend.get("name") not in BACKENDS:
            raise EditorOptionError("editor.backend must name a Decap backend: name: github (with repo: "
                                    "owner/name), gitlab, gitea, forgejo, bitbucket or git-gateway")
        workflow = value.get("workflow", "editorial")
        if workflow not in WORKFLOWS:
            raise EditorOptionError(f"editor.workflow is {workflow!r}; write editorial or simple")
        folder = value.get("folder", "")
        if not isinstance(folder, str):
            raise EditorOptionError("editor.folder must be the claims folder's path from the repository root")
        try:
            backend_json = json.dumps(dict(backend), sort_keys=True)
        except TypeError:
            raise EditorOptionError("editor.backend holds a value that is not text, a number or a list") from None
        return cls(path.strip("/") + "/", backend_json, workflow, folder.strip("/"))


# --- the collection, from the model -------------------------------------------------------


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _variants(prop: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The non-null forms a property may take (``X | None`` is an anyOf with null)."""
    forms = prop.get("anyOf", [prop])
    return [form for form in forms if form.get("type") != "null"]


def _ref(form: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    ref = form.get("$ref", "")
    return defs[ref.rsplit("/", 1)[-1]] if ref else None


def _pattern(form: Mapping[str, Any]) -> list[str] | None:
    pattern = form.get("pattern")
    if not pattern:
        return None
    return [pattern, f"must be {_PATTERN_HELP.get(pattern, 'written as the pattern ' + pattern)}"]


def _is_markdown(prop: Mapping[str, Any]) -> bool:
    # The model says which text is Markdown in its descriptions; the editor follows it.
    return "Markdown" in prop.get("description", "")


def _scalar_widget(forms: list[Mapping[str, Any]], prop: Mapping[str, Any]) -> dict[str, Any]:
    formats = {form.get("format") for form in forms}
    enum = [value for form in forms for value in form.get("enum", []) if isinstance(value, str)]
    if "date" in formats:
        # A date-time with its offset (a timed release) stays in the file untouched; the form writes days.
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT, "time_format": False,
                "picker_utc": True}
    if enum:
        return {"widget": "select", "options": [{"label": value, "value": value} for value in enum]}
    if _is_markdown(prop):
        # Raw mode keeps the Markdown exactly as typed (the rich-text mode rewrites it on save).
        return {"widget": "markdown", "modes": ["raw"], "buttons": [], "editor_components": [],
                "sanitize_preview": True}
    widget: dict[str, Any] = {"widget": "string"}
    pattern = next((p for p in map(_pattern, forms) if p), None)
    if pattern:
        widget["pattern"] = pattern
    return widget


def _field(name: str, prop: Mapping[str, Any], required: bool, defs: Mapping[str, Any],
           scale: RatingScale) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "label": _label(name), "required": required}
    if prop.get("description"):
        field["hint"] = prop["description"]
    forms = _variants(prop)
    arrays = [form for form in forms if form.get("type") == "array"]
    objects = [definition for form in forms if (definition := _ref(form, defs)) is not None]
    if name == "verdict":
        field.update(_verdict_widget(scale))
    elif name == "related":
        field.update(_related_widget(arrays[0]))
    elif arrays and len(forms) > 1:
        # One value or a list of them (``appearance``): our widget (editor.js) keeps the shape it read.
        field.update({"widget": "factcheck-urls", "pattern_each": arrays[0]["items"].get("pattern", "")})
        if "maxItems" in arrays[0]:
            field["max"] = arrays[0]["maxItems"]
    elif arrays:
        field.update(_list_widget(arrays[0], defs, scale))
    elif objects:
        fields = _object_fields(objects[0], defs, scale)
        if not required:
            # Decap checks an optional object's inner fields even when it is left empty; the
            # loader still asks for all of them once one is given (and names the file and line).
            fields = [{**inner, "required": False} for inner in fields]
        field.update({"widget": "object", "collapsed": not required, "fields": fields})
    else:
        field.update(_scalar_widget(forms, prop))
    if "default" in prop and prop["default"] not in (None, "", []) and field["widget"] == "select":
        field["default"] = prop["default"]
    return field


def _list_widget(array: Mapping[str, Any], defs: Mapping[str, Any], scale: RatingScale) -> dict[str, Any]:
    widget: dict[str, Any] = {"widget": "list"}
    items = array.get("items", {})
    definition = _ref(items, defs)
    if definition is not None:
        fields = _object_fields(definition, defs, scale)
        widget.update({"fields": fields, "summary": "{{fields." + fields[0]["name"] + "}}", "collapsed": False})
    else:
        widget["field"] = {"name": "item", "label": "Item", "required": True,
                           **_scalar_widget([items], items)}
    if "minItems" in array:
        widget["min"] = array["minItems"]
    if "maxItems" in array:
        widget["max"] = array["maxItems"]
    return widget


def _verdict_widget(scale: RatingScale) -> dict[str, Any]:
    """The site's own scale: each verdict's label in the menu, the descriptions as the help text."""
    return {
        "widget": "select",
        "options": [{"label": rating.label, "value": rating.key} for rating in scale],
        "hint": " ".join(f"{rating.label}: {rating.description}" if rating.description else rating.label
                          for rating in scale),
    }


def _related_widget(array: Mapping[str, Any]) -> dict[str, Any]:
    """A picker over the checks that exist: the file name (its slug) is the id."""
    widget: dict[str, Any] = {"widget": "relation", "collection": COLLECTION, "value_field": "{{slug}}",
                              "search_fields": ["claim", "claimant"], "display_fields": ["claim"],
                              "multiple": True, "options_length": 50}
    if "maxItems" in array:
        widget["max"] = array["maxItems"]
    return widget


def _object_fields(definition: Mapping[str, Any], defs: Mapping[str, Any], scale: RatingScale) -> list[dict[str, Any]]:
    required = set(definition.get("required", []))
    return [_field(name, prop, name in required, defs, scale) for name, prop in definition["properties"].items()]


def claim_fields(scale: RatingScale) -> list[dict[str, Any]]:
    """One Decap field per field of ``model.Claim``, in the model's order (the order Decap writes keys in)."""
    schema = claim_json_schema(scale)
    fields = _object_fields(schema, schema["$defs"], scale)
    order = list(Claim.model_fields)
    return sorted(fields, key=lambda field: order.index(field["name"]))


def collection(scale: RatingScale, folder: str, *, workflow: bool = True) -> dict[str, Any]:
    """The Decap collection of claim files in ``folder`` (relative to the repository root).

    With the editorial ``workflow`` the pull request is where a check is drafted and reviewed, so
    a new file says no ``status`` (published once merged). Without it a save lands in the
    checkout at once, so a new check starts as a draft and going live is a choice in the form."""
    fields = claim_fields(scale)
    for field in fields:
        if field["name"] == "status":
            field.pop("default", None)
            if not workflow:
                field["default"] = "draft"
    return {
        "name": COLLECTION,
        "label": "Fact checks",
        "label_singular": "Fact check",
        "description": "One file a check. Saving writes claims/<id>.yml; the id comes from the claim "
                       "and never changes once published.",
        "folder": folder,
        "extension": "yml",
        "format": "yml",
        "create": True,
        "delete": False,  # a published check is withdrawn, never deleted (CONTRACT section 5)
        "identifier_field": "claim",
        # Decap's slug: lower case, ASCII, runs of other characters as one hyphen, like `factcheck
        # new`. Decap cuts the claim's text at NEW_ID_LENGTH characters before making it a slug
        # (`factcheck new` cuts the slug at a hyphen): long claims get a shorter id than there.
        "slug": "{{claim | truncate(" + str(NEW_ID_LENGTH) + ", '')}}",
        "summary": "{{claim}} ({{verdict}})",
        "sortable_fields": ["published", "claim", "claimant"],
        "fields": fields,
    }


def cms_config(scale: RatingScale, options: EditorOptions, *, folder: str, media_folder: str,
               site_url: str = "", backend: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The whole Decap configuration (``config.yml``)."""
    chosen = dict(backend or options.backend or {"name": "test-repo"})
    config: dict[str, Any] = {"backend": chosen}
    if chosen.get("name") != "proxy":
        config["publish_mode"] = WORKFLOWS[options.workflow]
    config.update({
        # Uploads are not part of a claim; Decap wants a folder all the same.
        "media_folder": media_folder,
        "public_folder": "/" + media_folder.split("/", 1)[-1],
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(scale, options.folder or folder,
                                   workflow=config.get("publish_mode") == "editorial_workflow")],
    })
    if site_url:
        config["site_url"] = config["display_url"] = site_url
    return config


def config_yaml(config: Mapping[str, Any]) -> str:
    return "# Made by mkdocs-factcheck from the claim model; edit mkdocs.yml, not this file.\n" + yaml.safe_dump(
        dict(config), sort_keys=False, allow_unicode=True, width=100)


# --- the page -----------------------------------------------------------------------------


def _connect_sources(backend: Mapping[str, Any]) -> list[str]:
    """What the page may talk to: its own origin and the backend's API (and OAuth proxy)."""
    sources = ["'self'"]
    for key in ("api_root", "base_url", "proxy_url"):
        value = backend.get(key)
        if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
            parts = urlsplit(value)
            sources.append(f"{parts.scheme}://{parts.netloc}")
    if "api_root" not in backend and backend.get("name") in _API_ROOTS:
        sources.append(_API_ROOTS[str(backend["name"])])
    if backend.get("name") == "github":
        sources.append("https://raw.githubusercontent.com")
    return list(dict.fromkeys(sources))


def content_security_policy(backend: Mapping[str, Any]) -> str:
    """The editor page's own policy (a separate page: readers' pages keep theirs). Scripts only
    from the page's folder: no inline script, nothing from a CDN. Decap needs eval (its
    configuration validator, ajv, compiles its checks into functions), on this page alone."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",  # Decap styles its components inline
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src " + " ".join(_connect_sources(backend)),
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def index_html(backend: Mapping[str, Any], title: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="{html.escape(content_security_policy(backend))}">
<title>{html.escape(title)}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="decap-cms.js"></script>
<script src="editor.js"></script>
</body>
</html>
"""


def vendored_version() -> str:
    return (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


def vendored_files() -> Iterator[tuple[str, Path]]:
    """The Decap build (name in the page's folder, file in the package), with its licences."""
    for path in sorted(VENDOR.iterdir()):
        if path.is_file() and path.name not in ("VERSION", "README"):
            name = "LICENSE-decap-cms.txt" if path.name == "LICENSE" else path.name
            yield name, path


def site_files(options: EditorOptions, scale: RatingScale, *, config_dir: Path, claims_dir: Path, docs_dir: Path,
               site_url: str, site_name: str) -> tuple[dict[str, str], dict[str, Path]]:
    """The editor page as files of the site, by their path in it (none when the option is off):
    what both adapters publish (the plugin, ``factcheck generate``)."""
    if not options.path:
        return {}, {}
    folder = options.folder or Path(os.path.relpath(claims_dir, config_dir)).as_posix()
    docs = Path(os.path.relpath(docs_dir, config_dir.resolve())).as_posix()
    cms = cms_config(scale, options, folder=folder, media_folder=f"{docs}/assets/uploads", site_url=site_url)
    texts, copies = page_files(cms, f"{site_name}: editor")
    return ({options.path + name: text for name, text in texts.items()},
            {options.path + name: path for name, path in copies.items()})


def page_files(config: Mapping[str, Any], title: str) -> tuple[dict[str, str], dict[str, Path]]:
    """The editor page's files: (generated text by name, package files by name)."""
    texts = {"index.html": index_html(config["backend"], title), "config.yml": config_yaml(config)}
    copies = dict(vendored_files())
    copies["editor.js"] = PAGE / "editor.js"
    return texts, copies
