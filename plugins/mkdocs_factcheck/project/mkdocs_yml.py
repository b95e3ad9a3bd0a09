"""A site's ``mkdocs.yml`` read for the ``factcheck`` command, without building.

Finds the file (``mkdocs.yml``, ``mkdocs.yaml`` or ProperDocs' ``properdocs.yml``,
walking up from the current folder) and reads it with MkDocs' own YAML loader (the
one ``mkdocs build`` runs on the same file, so it is trusted as much and no more);
gives the whole configuration as plain data, the factcheck plugin's options, and
the checked ``Settings`` (the same ``settings_from`` the plugin uses) that ``factcheck generate``
plans the site from and every other command reads its settings from (``site``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from ..base.errors import SiteError
from ..plan.siteplan import Settings, SettingsError, settings_from

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


def find_config(given: str | None, start: Path | None = None) -> Path:
    """The file named with -f (which must exist), else the nearest config file in the
    current folder or a folder above it; else mkdocs.yml here (the defaults apply)."""
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise SiteError(f"{given}: no such file (-f names the site's mkdocs.yml)")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return here / CONFIG_NAMES[0]


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs itself reads it (its own loader: ``!ENV``, ``!relative``,
    ``INHERIT``), so the command never disagrees with the build about the settings."""
    try:
        with config_file.open("rb") as source:
            config = yaml_load(source, loader=get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file))))
    except (OSError, ConfigurationError, yaml.YAMLError) as exc:
        raise SiteError(f"{config_file}: cannot read it: {exc}") from None
    # What YAML's constructors raise on a value they cannot build (`2025-02-30`), as the loader knows.
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
        raise SiteError(f"{config_file}: cannot read it: a value YAML cannot build ({exc}); "
                        "write dates as YYYY-MM-DD and quote text that looks like one") from None
    return config if isinstance(config, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The factcheck plugin's options in a configuration ({} when it lists none)."""
    plugins = config.get("plugins")
    # MkDocs accepts the plugins as a list of names / {name: options}, or as one mapping.
    entries = list(plugins.items()) if isinstance(plugins, dict) else [
        next(iter(entry.items())) if isinstance(entry, dict) and len(entry) == 1 else (entry, None)
        for entry in plugins or []
    ]
    for name, options in entries:
        if name == "factcheck":
            return options if isinstance(options, dict) else {}
    return {}


def read_settings(config_file: Path) -> Settings:
    """The checked settings of the site configured by ``config_file``."""
    if not config_file.is_file():
        raise SiteError(f"{config_file}: no such file; run the command in the folder of mkdocs.yml "
                        "or name the file with -f")
    config = read_config(config_file)
    for key, value in {"site_name": config.get("site_name"), "docs_dir": config.get("docs_dir", "docs")}.items():
        if not isinstance(value, str) or not value:
            raise SiteError(f"{config_file}: {key} must be set to text")
    return settings_of(config, config_file, config_dir=config_file.parent.resolve())


def settings_of(config: dict[str, Any], config_file: Path, *, config_dir: Path) -> Settings:
    """The checked settings of a configuration read from ``config_file`` (named in errors);
    paths are relative to ``config_dir``. A site without ``site_name`` gets an empty one."""
    theme = config.get("theme")
    theme = theme if isinstance(theme, dict) else {}
    try:
        return settings_from(
            plugin_options(config), config_dir=config_dir, docs_dir=_text(config.get("docs_dir")) or "docs",
            site_name=_text(config.get("site_name")) or "", site_url=_text(config.get("site_url")),
            use_directory_urls=config.get("use_directory_urls", True) is not False,
            repo_url=_text(config.get("repo_url")), theme_language=_text(theme.get("language")),
            custom_dir=_text(theme.get("custom_dir")), site_description=_text(config.get("site_description")))
    except SettingsError as exc:
        raise SiteError(f"{config_file}: {exc}") from None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
