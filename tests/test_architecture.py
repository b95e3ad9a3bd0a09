"""The package's layers, enforced: what each folder may import (docs/ARCHITECTURE.md).

An AST scan of every module (imports inside functions count too) fails when a core
layer imports MkDocs or an adapter, when a layer imports one above it, when a
module imports another module's private name, or when modules import each other in
a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "mkdocs_factcheck"
NAME = "mkdocs_factcheck"

# Each layer and the layers of ours it may import (the package root gives __version__ only).
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "claims": {"base"},
    "output": {"base", "claims"},
    "plan": {"base", "claims", "output"},
    "project": {"base", "claims", "output", "plan"},
    "tools": {"base", "claims", "output", "plan", "project"},
    "plugin": {"base", "claims", "output", "plan"},
    "generate": {"base", "claims", "output", "plan", "project"},
    "cli": {"base", "claims", "output", "plan", "project", "tools", "generate"},
}
CORE = {"base", "claims", "output", "plan", "tools"}
# Engines and their config machinery: only the adapters (and project's mkdocs.yml reader) touch them.
ENGINES = {"mkdocs", "properdocs", "zensical", "material"}
MAY_IMPORT_ENGINES = {"plugin", "project"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the module imported, dotted (absolute)
    names: tuple[str, ...]  # the names taken from it (empty for `import x`)
    line: int


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = [NAME, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = PACKAGE) -> list[Import]:
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = tuple(alias.name for alias in node.names)
            found.append(Import(name, target, names, node.lineno))
    return found


def all_imports(root: Path = PACKAGE) -> list[Import]:
    return [found for path in sorted(root.rglob("*.py")) for found in imports_of(path, root)]


def modules(root: Path = PACKAGE) -> set[str]:
    return {module_name(path, root) for path in root.rglob("*.py")}


def layer(module: str) -> str:
    """The layer a module sits in ("" for the package root and ``__main__``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else ""


def resolved(item: Import, known: set[str]) -> list[str]:
    """The modules of ours an import loads: `from ..claims import model` loads claims.model."""
    if not item.target.startswith(NAME):
        return []
    found = [f"{item.target}.{n}" for n in item.names if f"{item.target}.{n}" in known]
    return found or [item.target]


def layer_problems(found: list[Import], known: set[str]) -> list[str]:
    problems = []
    for item in found:
        here = layer(item.module)
        top = item.target.split(".")[0]
        if top in ENGINES and here not in MAY_IMPORT_ENGINES:
            problems.append(f"{item.module}:{item.line}: imports {item.target}; only "
                            f"{', '.join(sorted(MAY_IMPORT_ENGINES))} may import an engine")
        for target in resolved(item, known):
            there = layer(target)
            if here and there and there != here and there not in ALLOWED[here]:
                kind = "an adapter" if here in CORE and there in {"plugin", "generate", "cli"} else "a layer above it"
                problems.append(f"{item.module}:{item.line}: imports {target}, {kind} ({here} may import "
                                f"{', '.join(sorted(ALLOWED[here])) or 'nothing of ours'})")
    return problems


def private_problems(found: list[Import], known: set[str]) -> list[str]:
    return [f"{item.module}:{item.line}: imports {name} from {item.target}, a private name"
            for item in found if item.target.startswith(NAME)
            for name in item.names if name.startswith("_") and not name.startswith("__")]


def cycles(found: list[Import], known: set[str]) -> list[list[str]]:
    """Import circles between modules (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {module: set() for module in known}
    for item in found:
        graph[item.module].update(t for t in resolved(item, known) if t in known and t != item.module
                                  and not item.module.startswith(t + "."))  # a package's own children
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_every_module_sits_in_a_layer() -> None:
    loose = sorted(m for m in modules() if not layer(m) and m not in {NAME, f"{NAME}.__main__"})
    assert not loose, f"modules outside the layers: {loose}"


def test_each_layer_imports_only_what_it_may() -> None:
    assert layer_problems(all_imports(), modules()) == []


def test_no_module_imports_a_private_name_of_another() -> None:
    assert private_problems(all_imports(), modules()) == []


def test_no_import_cycles() -> None:
    assert cycles(all_imports(), modules()) == []


def test_each_layer_says_what_it_may_import() -> None:
    for name in ALLOWED:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{name}/__init__.py: its docstring must say what the layer may import"


# The rules catch what they are for: each forbidden import, added to a copy of the package.
FORBIDDEN = {
    "an engine in the core": ("claims/model.py", "import mkdocs.config\n", "only plugin, project may import"),
    "an adapter in the core": ("output/render.py", "from ..plugin import spool\n", "an adapter"),
    "a layer above": ("claims/loader.py", "from ..output import pages\n", "a layer above it"),
    "a private name": ("output/feeds.py", "from ..claims.editorial import _short\n", "a private name"),
    "a cycle": ("base/errors.py", "from . import parallel\n", "cycle"),
}


@pytest.mark.parametrize("case", sorted(FORBIDDEN))
def test_the_rules_fail_on_a_forbidden_import(case: str, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / NAME
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "theme", "scaffold", "__pycache__"))
    relative, line, expected = FORBIDDEN[case]
    target = copy / relative
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    if case == "a cycle":  # errors <- parallel, and parallel -> errors
        extra = copy / "base" / "parallel.py"
        extra.write_text(extra.read_text(encoding="utf-8") + "\nfrom .errors import SiteError\n", encoding="utf-8")
    found, known = all_imports(copy), modules(copy)
    problems = layer_problems(found, known) + private_problems(found, known)
    circles = cycles(found, known)
    if case == "a cycle":
        assert circles and any(f"{NAME}.base.errors" in c for c in circles)
    else:
        assert any(expected in p for p in problems), problems


def test_version_and_help_import_neither_mkdocs_nor_pydantic() -> None:
    probe = ("import sys\nfrom mkdocs_factcheck.cli import main\n"
             "for argv in (['--version'], ['--help']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'pydantic', 'material', 'jinja2'}))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
