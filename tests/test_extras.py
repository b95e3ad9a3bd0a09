"""A plain install: the network tools' libraries are an extra (`tools`), and a command that needs
one says what to install instead of failing with a traceback."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ENV, REPO
from mkdocs_factcheck import cli
from mkdocs_factcheck.tools import extras

TOOL_LIBRARIES = {"httpx", "lxml", "extruct"}


def test_the_tool_libraries_are_an_extra_not_runtime_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {line.split(">")[0].split("=")[0].split("<")[0].lower() for line in project["dependencies"]}
    assert not runtime & TOOL_LIBRARIES
    assert {line.split(">")[0].lower() for line in project["optional-dependencies"]["tools"]} == TOOL_LIBRARIES


@pytest.mark.slow
def test_building_and_the_cli_load_none_of_the_tool_libraries() -> None:
    code = ("import sys, mkdocs_factcheck.cli, mkdocs_factcheck.plugin; "
            "print(sorted({'httpx', 'lxml', 'extruct'} & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("command", "args"), [("links", []), ("archive", []), ("import", ["page.html"])])
def test_a_missing_tool_library_is_a_message_naming_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str], command: str,
                                                              args: list[str]) -> None:
    real = extras.importlib.util.find_spec
    monkeypatch.setattr(extras.importlib.util, "find_spec",
                        lambda name, *a: None if name in TOOL_LIBRARIES else real(name, *a))
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - factcheck\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # 2, not 1: the weekly workflow reads 1 as "dead links found" (a run that could not start is no report).
    assert cli.main([command, *args]) == 2
    err = capsys.readouterr().err
    assert f"factcheck {command} needs" in err and "pip install 'mkdocs-factcheck[tools]'" in err
    assert "Traceback" not in err


def test_commands_without_the_tools_run_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras.importlib.util, "find_spec", lambda name, *a: None)
    for command in ("validate", "new", "status", "generate", "schema", "init"):
        extras.require(command)  # nothing missing: raises nothing
