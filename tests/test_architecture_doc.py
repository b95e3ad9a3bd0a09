"""docs/ARCHITECTURE.md stays true: the module map, the import table and "Where a change goes".

Reads the page as a newcomer would and checks it against the package: every module path it
names exists, every module of the package is on the map, the import table is the one
tests/test_architecture.py enforces, and each row of "Where a change goes" is checked against
an existing change of that kind (the example must appear in every file the row names, so a
row naming a file such a change does not touch fails).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from test_architecture import ALLOWED

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "plugins" / "mkdocs_factcheck"
DOC = REPO / "docs" / "ARCHITECTURE.md"
DATA_FOLDERS = ("vendor", "scaffold", "theme", "templates", "editor_page", "__pycache__")


def text() -> str:
    return DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The page's text from the heading `## title` to the next `## ` heading."""
    start = text().index(f"\n## {title}\n")
    end = text().find("\n## ", start + 1)
    return text()[start: end if end != -1 else None]


def package_modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
            if not set(path.relative_to(PACKAGE).parts) & set(DATA_FOLDERS)}


def command_modules() -> set[str]:
    """cli/<command>.py modules, once the command line is split into them."""
    return {m for m in package_modules() if re.fullmatch(r"cli/(?!__)\w+\.py", m)}


def located(name: str) -> Path | None:
    """A path the page names: in the package, else at the repository's root (None: neither)."""
    for root in (PACKAGE, REPO):
        if (root / name).exists():
            return root / name
    return None


# --- the module map ---------------------------------------------------------------------


def map_rows() -> list[str]:
    return re.findall(r"(?m)^\| `([^`]+\.py)` \|", section("The module map"))


def test_every_module_path_the_page_names_exists() -> None:
    named = set(re.findall(r"`([\w./-]+\.py)`", text()))
    missing = sorted(name for name in named if located(name) is None)
    assert not missing, f"docs/ARCHITECTURE.md names modules that do not exist: {missing}"
    assert named, "the page names no module at all"


def test_every_module_of_the_package_is_on_the_map() -> None:
    rows = set(map_rows())
    loose = sorted(package_modules() - rows - command_modules())
    assert not loose, f"modules missing from docs/ARCHITECTURE.md's module map: {loose}"
    if command_modules():  # one module per command: each is in the command table of cli/__init__.py
        assert "cli/<command>.py" in rows
        table = (PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8")
        unlisted = sorted(m for m in command_modules() if Path(m).stem not in table)
        assert not unlisted, f"command modules that cli/__init__.py does not name: {unlisted}"


def test_every_row_of_the_map_is_one_module_under_its_layer() -> None:
    rows = map_rows()
    assert len(rows) == len(set(rows)), "a module is on the map twice"
    for layer in ALLOWED:
        part = section("The module map").split(f"### `{layer}/`", 1)
        assert len(part) == 2, f"the map has no section for the layer {layer}/"
        in_section = re.findall(r"(?m)^\| `([^`]+\.py)` \|", part[1].split("\n### ", 1)[0])
        assert in_section and all(row.startswith(f"{layer}/") for row in in_section), (layer, in_section)


def test_the_import_table_is_the_enforced_rule() -> None:
    table = dict(re.findall(r"(?m)^\| `(\w+)/` \| (.+) \|$", section("The import rule")))
    written = {layer: set(re.findall(r"`(\w+)`", cell)) for layer, cell in table.items()}
    assert written == ALLOWED


# --- where a change goes ------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """An existing change of a row's kind: the names it goes by, and the ones of a "sometimes" case."""

    names: tuple[str, ...]
    placeholder: str = ""  # what `<command>` in a path stands for
    sometimes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (a path in the cell, the example for it)


EXAMPLES = {
    "a new output (e.g. a new export file)": Example(
        ("corrections.xml", "CORRECTIONS_FEED"),
        sometimes=(("templates/", ("corrections.xml", "corrections_feed")),)),
    "a new claim field": Example(
        ("headline",),
        sometimes=(("claims/loader.py", ('"claimant"',)),      # a required field: its hint
                   ("output/jsonld.py", ("claimant_type",)),  # ClaimReview's itemReviewed.author
                   ("output/feeds.py", ('"claim_date"',)))),  # a column of claims.csv
    "a new engine": Example(
        ("zensical",),
        sometimes=(("cli/generate.py", ("zensical",)), ("plugin/__init__.py", ("properdocs",)))),
    "a new CLI command": Example(
        ('"links"', "factcheck links"), placeholder="links",
        sometimes=(("tools/extras.py", ('"links"',)),)),
    "a new plugin option": Example(
        ("timezone",), sometimes=(("plugin/__init__.py", ("preview_hosts",)),)),
}


def change_rows() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"(?m)^\| (a new [^|]+?) \| (.+?) \| (.+?) \|$", section("Where a change goes"))
    return {change: (always, sometimes) for change, always, sometimes in rows}


def paths_in(cell: str) -> list[str]:
    """The backticked file and folder paths of a table cell (not options, codes or commands)."""
    return [token for token in re.findall(r"`([^`\s]+)`", cell)
            if "/" in token or re.search(r"\.(py|md|toml|json)$", token)]


def files_of(path: str, placeholder: str) -> list[Path]:
    """The files a path of the table stands for: a file, or every file of a folder."""
    path = path.replace("<command>", placeholder) if placeholder else path
    if path.startswith("cli/") and path.endswith(".py") and path != "cli/__init__.py" and not command_modules():
        path = "cli/__init__.py"  # the command line is not split into command modules yet
    where = located(path)
    assert where is not None, f"the table names {path}, which does not exist"
    if not where.is_dir():
        return [where]
    # This file names every example: it must not count as a change that touched tests/.
    return sorted(p for p in where.rglob("*") if p.is_file() and p != Path(__file__).resolve())


def misses(path: str, names: tuple[str, ...], placeholder: str = "") -> str | None:
    """None when the example appears in the file (or in some file of the folder) the path names."""
    found = any(name in file.read_text(encoding="utf-8", errors="replace")
                for file in files_of(path, placeholder) for name in names)
    return None if found else f"{path} holds none of {names}"


def test_each_kind_of_change_in_the_table_has_an_example() -> None:
    assert set(change_rows()) == set(EXAMPLES)


def test_each_row_names_the_files_its_example_touches() -> None:
    problems = []
    for change, (always, sometimes) in change_rows().items():
        example = EXAMPLES[change]
        problems += [f"{change}: {p}" for path in paths_in(always)
                     if (p := misses(path, example.names, example.placeholder))]
        cases = dict(example.sometimes)
        assert set(paths_in(sometimes)) == set(cases), f"{change}: a sometimes-file without an example"
        problems += [f"{change}: {p}" for path, names in cases.items()
                     if (p := misses(path, names, example.placeholder))]
    assert not problems, "\n".join(problems)


def test_a_row_naming_a_file_its_example_does_not_touch_fails() -> None:
    # The check above catches a wrong table: a new CLI command does not touch the interface strings.
    assert misses("base/strings.py", EXAMPLES["a new CLI command"].names) is not None
    assert misses("output/scoreboard.py", EXAMPLES["a new claim field"].names) is not None
    assert misses("tools/linkcheck.py", EXAMPLES["a new CLI command"].names) is None


# --- SECURITY.md's guarantees -------------------------------------------------------------


def test_each_guarantee_names_test_files_that_exist() -> None:
    security = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    guarantees = security.split("\n## Guarantees\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in guarantees.splitlines() if line.startswith("- ")]
    assert lines
    for line in lines:
        tests = re.findall(r"`(test_\w+\.py)`", line)
        assert tests, f"a guarantee without its test: {line}"
        assert all((REPO / "tests" / name).is_file() for name in tests), line
