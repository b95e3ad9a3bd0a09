"""The plugin's options are declared once (plan/options.py): MkDocs' config class, the core's
checks and defaults, the commands' settings and README's options table all follow that table."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import make_site_in
from mkdocs.config import config_options as c
from mkdocs_factcheck.cli import main
from mkdocs_factcheck.plan.options import BY_NAME, NONE, OPTIONS, Option
from mkdocs_factcheck.plan.siteplan import SettingsError, settings_from
from mkdocs_factcheck.plugin import FactcheckConfig
from mkdocs_factcheck.project.site import read_site

README = Path(__file__).resolve().parents[1] / "README.md"
TYPE_WORDS = {str: "text", int: "number", bool: "true/false", list: "list", dict: "mapping", date: "date"}


def readme_type(option: Option) -> str:
    """The type column of README's options table, as the table declares the option."""
    return " or ".join(f"list of {option.item_name}" if kind is list and option.items else TYPE_WORDS[kind]
                       for kind in option.value_types)


def readme_default(option: Option) -> str:
    if option.unset:
        return option.unset
    if option.default is None:
        return "none"
    value = option.default
    shown = str(value).lower() if isinstance(value, bool) else "[]" if value == [] else "{}" if value == {} else value
    return f"`{shown}`"


def readme_rows() -> dict[str, tuple[str, str]]:
    """README's "Plugin options" table: option -> (type, default), as written."""
    section = README.read_text(encoding="utf-8").split("### Plugin options", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[:3] == ["option", "type", "default"], header
    rows = {}
    for line in lines[2:]:
        if not line.startswith("| `"):
            break
        # Cells split on " | ": a `|` inside a cell's code (none today) would need escaping anyway.
        name, kind, default = (cell.strip() for cell in line.strip("|").split(" | ")[:3])
        rows[name.strip("`")] = (kind, default)
    return rows


def test_readme_lists_every_option_with_the_tables_type_and_default() -> None:
    rows = readme_rows()
    assert sorted(rows) == sorted(BY_NAME), "README's options table and plan/options.py name different options"
    wrong = {name: (rows[name], (readme_type(o), readme_default(o)))
             for name, o in BY_NAME.items() if rows[name] != (readme_type(o), readme_default(o))}
    assert not wrong, f"README (type, default) vs the table: {wrong}"


def test_the_readme_check_fails_on_a_wrong_default(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = Option("page_size", (int,), 500, "rows per page", minimum=1)
    monkeypatch.setitem(BY_NAME, "page_size", changed)
    with pytest.raises(AssertionError, match="page_size"):
        test_readme_lists_every_option_with_the_tables_type_and_default()


def _kind(config_option: Any) -> tuple[str, Any, Any]:
    """(class, checked type, default) of a MkDocs config option, through Optional and ListOfItems."""
    if isinstance(config_option, c.Optional):
        name, kind, _ = _kind(config_option.option)
        return f"Optional({name})", kind, config_option.default
    if isinstance(config_option, c.ListOfItems):
        return "ListOfItems", _kind(config_option.option_type)[1], config_option.default
    return type(config_option).__name__, config_option._type, config_option.default


def test_mkdocs_config_class_is_the_table() -> None:
    schema = dict(FactcheckConfig._schema)
    assert list(schema) == [o.name for o in OPTIONS]
    for option in OPTIONS:
        name, kind, default = _kind(schema[option.name])
        kinds = option.value_types
        expected_kind = option.items or (kinds[0] if len(kinds) == 1 else kinds)
        assert kind == expected_kind, option.name
        assert default == option.default, option.name
        assert name.startswith("Optional(") == option.optional, option.name
        assert ("ListOfItems" in name) == (option.items is not None), option.name


def test_mkdocs_parses_the_tables_defaults() -> None:
    config = FactcheckConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    assert dict(config) == {o.name: o.default for o in OPTIONS}
    assert config.page_size == 50 and config.preview_hosts == []  # type: ignore[attr-defined]


def test_defaults_are_the_same_for_mkdocs_and_for_mkdocs_yml_read_directly(tmp_path: Path) -> None:
    config = FactcheckConfig()
    config.load_dict({})
    config.validate()
    common = {"config_dir": tmp_path, "docs_dir": "docs", "site_name": "S"}
    assert settings_from(dict(config), **common) == settings_from({}, **common)
    assert settings_from({}, **common).page_size == BY_NAME["page_size"].default


def test_a_default_list_is_never_shared(tmp_path: Path) -> None:
    first = settings_from({}, config_dir=tmp_path, docs_dir="docs", site_name="S")
    assert first.allow_hosts == () and BY_NAME["allow_hosts"].default == []


@pytest.mark.parametrize(("options", "message"), [
    ({"allow_hosts": "127.0.0.1"}, "plugins.factcheck.allow_hosts must be a list of host names"),
    ({"allow_hosts": [1]}, "plugins.factcheck.allow_hosts must be a list of host names"),
    ({"scale": "x"}, "plugins.factcheck.scale must be a list of ratings"),
    ({"max_file_bytes": 0}, "plugins.factcheck.max_file_bytes is 0; write a whole number of at least 1"),
    # Options read by a parser of their own: its message, whatever the value's type.
    ({"history": [1, 2]}, "plugins.factcheck.history is [1, 2]; write one of auto, required, off"),
    ({"workers": True}, "plugins.factcheck.workers is True; write auto"),
    ({"record_starts": 2025}, "plugins.factcheck.record_starts is 2025; write a date as YYYY-MM-DD"),
])
def test_the_core_checks_each_option_as_the_table_says(tmp_path: Path, options: dict[str, Any],
                                                       message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        settings_from(options, config_dir=tmp_path, docs_dir="docs", site_name="S")


def test_the_commands_read_the_options_as_the_build_does(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """max_file_bytes: 0 was "the default" to the commands and an error to the build."""
    site = make_site_in(tmp_path, plugin_options="max_file_bytes: 0")
    monkeypatch.chdir(site.root)
    assert main(["validate"]) == 1
    assert "plugins.factcheck.max_file_bytes is 0; write a whole number of at least 1" in capsys.readouterr().err
    assert site.build().returncode != 0


def test_read_site_is_a_view_of_the_settings(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: S
        plugins:
          - factcheck:
              claims_dir: checks
              max_file_bytes: 2000
              allow_hosts: [intranet.example]
              organization: Desk
    """), encoding="utf-8")
    site = read_site(tmp_path / "mkdocs.yml")
    assert (site.claims_dir, site.max_file_bytes, site.allow_hosts) == (tmp_path / "checks", 2000,
                                                                        ("intranet.example",))
    assert site.policy.desk.default_author == "Desk"


def test_every_option_that_may_be_unset_defaults_to_none() -> None:
    for option in OPTIONS:
        assert (NONE in option.types) == (option.default is None), option.name
    with pytest.raises(ValueError, match="defaults to None"):
        Option("x", (str, NONE), "y", "an unset option with a value")
