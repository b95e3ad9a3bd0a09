"""Every claim field is tied to the places a contributor meets it.

A field is defined once, in ``claims/model.py``'s ``Claim``; a contributor meets it in
``factcheck new``'s template, in CONTRIBUTING.md's field reference, in the loader's hints when
a key is missing or misspelt, and in the JSON Schema their editor checks as they type. Adding
a field to the model without the others fails here, and so does documenting a field the model
does not have.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import claim_yaml, make_site_in
from mkdocs_factcheck.claims.loader import ClaimLoader
from mkdocs_factcheck.claims.model import Claim
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.cli import main

REPO = Path(__file__).resolve().parents[1]
FIELDS = list(Claim.model_fields)
REQUIRED = [name for name, field in Claim.model_fields.items() if field.is_required()]

# Fields `factcheck new` leaves out of a new file, each with the reason.
NOT_IN_NEW = {
    # A new check starts as a draft; `withdrawn` belongs only to a published check the desk
    # no longer stands behind (status: withdrawn), and CONTRIBUTING.md shows how to write it.
    "withdrawn": "only a published check is withdrawn",
}
# Required fields whose missing-key hint is the general one, each with the reason.
GENERAL_HINT = {
    # The verdicts are the site's scale, not fixed words: a wrong verdict's message lists the
    # scale's keys, and a missing one points to the scale in CONTRIBUTING.md.
    "verdict": "the keys come from the site's scale",
}


@pytest.fixture(scope="module")
def new_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What `factcheck new` writes, run as a contributor runs it, in a site of its own."""
    site = make_site_in(tmp_path_factory.mktemp("site"))
    code = main(["new", "DeepSeek built R1 for under $6 million.", "--claimant", "DeepSeek",
                 "-f", str(site.root / "mkdocs.yml")])
    assert code == 0
    (written,) = site.claims.glob("*.yml")
    return written.read_text(encoding="utf-8")


def top_level_keys(text: str) -> tuple[set[str], set[str]]:
    """The top-level keys of a claim file, written and commented out (`# key: ...`)."""
    written = set(re.findall(r"(?m)^([a-z_]+):", text))
    commented = set(re.findall(r"(?m)^# ([a-z_]+):", text))
    return written, commented


def test_factcheck_new_writes_every_field(new_file: str) -> None:
    written, commented = top_level_keys(new_file)
    assert written | commented == set(FIELDS) - set(NOT_IN_NEW)
    assert set(REQUIRED) <= written, "a required field is commented out in the new file"


def test_fields_left_out_of_a_new_file_are_optional_and_still_fields() -> None:
    assert set(NOT_IN_NEW) <= set(FIELDS) and not set(NOT_IN_NEW) & set(REQUIRED)
    assert set(GENERAL_HINT) <= set(REQUIRED)


def contributing_fields() -> dict[str, str]:
    """CONTRIBUTING.md's field reference: each field with its "required" cell."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text.split("\n### Fields\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"(?m)^\| `(\w+)` \| ([^|]+?) \|", table))


def test_contributing_documents_every_field_and_only_those() -> None:
    documented = contributing_fields()
    assert list(documented) == FIELDS, "CONTRIBUTING.md's field table and the model differ (or their order)"


def test_contributing_says_which_fields_are_required() -> None:
    for name, required in contributing_fields().items():
        assert required.startswith("yes") == (name in REQUIRED), (name, required)


def test_the_json_schema_holds_every_field() -> None:
    schema = json.loads((REPO / "schema" / "claim.schema.json").read_text(encoding="utf-8"))
    assert list(schema["properties"]) == FIELDS
    assert set(schema["required"]) == set(REQUIRED)


def only_error(folder: Path) -> str:
    result = ClaimLoader(DEFAULT_SCALE).load(folder, folder.parent)
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return str(result.errors[0])


@pytest.mark.parametrize("field", FIELDS)
def test_a_misspelt_field_gets_its_name_as_the_hint(field: str, tmp_path: Path) -> None:
    typo = field[:-1]  # the last letter left off: `verdic`, `withdraw`, `reviewed_b`
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "a.yml").write_text(claim_yaml(**{typo: "x"}), encoding="utf-8")
    error = only_error(claims)
    assert f"unknown key {typo!r}" in error and f"did you mean {field!r}?" in error


@pytest.mark.parametrize("field", REQUIRED)
def test_a_missing_required_field_gets_a_hint_of_its_own(field: str, tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "a.yml").write_text(claim_yaml(**{field: None}), encoding="utf-8")
    error = only_error(claims)
    assert f"missing required key {field!r}" in error and f"add `{field}:`" in error
    assert ("see CONTRIBUTING.md" in error) == (field in GENERAL_HINT), error
