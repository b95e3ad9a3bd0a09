"""The committed JSON Schema for claim files: current, and it agrees with the loader on
what editors see; CONTRIBUTING.md documents every field and verdict the model has."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ENV, REPO, claim_yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from mkdocs_factcheck.claims.loader import ClaimYamlLoader, parse_claim
from mkdocs_factcheck.claims.model import Claim, Correction, Quote, Source
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.cli.schema import schema_text
from mkdocs_factcheck.project.site import read_site

SCHEMA_FILE = REPO / "schema" / "claim.schema.json"


def editor_view(text: str) -> Any:
    """A claim file as a YAML editor hands it to JSON Schema: dates as ISO strings."""
    return _iso_dates(yaml.load(text, Loader=ClaimYamlLoader))


def _iso_dates(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    return value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    import json

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_committed_schema_is_current() -> None:
    expected = schema_text(read_site(REPO / "mkdocs.yml").scale)
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, "run `factcheck schema` and commit"


def test_schema_check_command_agrees() -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs_factcheck.cli", "schema", "--check"], cwd=REPO,
                            env=ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_schema_is_draft_2020_12(validator: Draft202012Validator) -> None:
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", sorted((REPO / "claims").glob("*.yml")), ids=lambda p: p.name)
def test_schema_accepts_every_published_claim(validator: Draft202012Validator, path: Path) -> None:
    errors = [e.message for e in validator.iter_errors(editor_view(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_there_are_published_claims() -> None:
    assert len(list((REPO / "claims").glob("*.yml"))) >= 1


SAMPLE = claim_yaml(related=["another-claim"], corrections=[{"date": "2025-02-02", "note": "Fixed."}],
                    claimant_type="organization")


def test_schema_accepts_a_valid_sample(validator: Draft202012Validator) -> None:
    assert list(validator.iter_errors(editor_view(SAMPLE))) == []
    assert parse_claim(SAMPLE.encode(), "x.yml", "x", DEFAULT_SCALE).errors == []


def _with(**changes: Any) -> str:
    return claim_yaml(**changes)


INVALID = {
    "unknown key": _with(sumary="A typo of summary."),
    "missing summary": _with(summary=None),
    "bad verdict": _with(verdict="flase"),
    "javascript: source URL": _with(sources=[{"title": "T", "url": "javascript:alert(1)"}]),
    "javascript: appearance": _with(appearance="javascript:alert(1)"),
    "javascript: quote source": _with(quotes=[{"expert": "E", "text": "T",
                                               "source": "javascript:alert(1)"}]),
    "no sources": _with(sources=[]),
    "empty claimant": _with(claimant=""),
    "unknown stance": _with(quotes=[{"expert": "E", "text": "T", "stance": "maybe"}]),
    "unknown source key": _with(sources=[{"title": "T", "url": "https://e.org", "link": "x"}]),
    "bad related id": _with(related=["Not An Id"]),
}


_CASES = [pytest.param(text, id=name) for name, text in INVALID.items()]


@pytest.mark.parametrize("text", _CASES)
def test_schema_rejects_what_the_loader_rejects(validator: Draft202012Validator, text: str) -> None:
    assert list(validator.iter_errors(editor_view(text))), "the schema let it through"
    assert parse_claim(text.encode(), "x.yml", "x", DEFAULT_SCALE).errors, "the loader let it through"


def test_bare_true_and_false_verdicts_are_accepted(validator: Draft202012Validator) -> None:
    # An editor reads `verdict: true` as a boolean; the loader takes it as the key "true".
    for verdict in ("true", "false"):
        text = claim_yaml().replace("verdict: misleading", f"verdict: {verdict}")
        assert list(validator.iter_errors(editor_view(text))) == []
        assert parse_claim(text.encode(), "x.yml", "x", DEFAULT_SCALE).errors == []


# --- CONTRIBUTING.md and the pull request template keep up with the model --------------

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("model", [Claim, Source, Quote, Correction], ids=lambda m: m.__name__)
def test_contributing_documents_every_field(model: type[Claim | Source | Quote | Correction]) -> None:
    missing = [name for name in model.model_fields if f"`{name}`" not in CONTRIBUTING]
    assert missing == []


def test_contributing_documents_the_scale_and_the_commands() -> None:
    for rating in DEFAULT_SCALE:
        assert f"| `{rating.key}` | {rating.label} |" in CONTRIBUTING
        assert rating.description in CONTRIBUTING
    for command in ("factcheck new", "factcheck validate", "mkdocs build --strict", "factcheck schema"):
        assert command in CONTRIBUTING
    for stance in ("supports", "disputes", "context"):
        assert f"`{stance}`" in CONTRIBUTING


def test_pull_request_template_has_the_checklist() -> None:
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in template.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 8
    assert any("factcheck validate" in item for item in items)
    assert any("paraphrase" in item for item in items)
