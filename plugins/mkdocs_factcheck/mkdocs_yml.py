"""A site's ``mkdocs.yml`` read without MkDocs, for the ``factcheck`` command.

Takes the file (following ``INHERIT`` and ``!ENV`` as MkDocs does, safely: no
other tag can run code); gives the whole configuration as plain data, the
factcheck plugin's options, and the checked ``Settings`` that ``factcheck
generate`` plans the site from (the same ``settings_from`` the plugin uses).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import SiteError
from .siteplan import Settings, SettingsError, settings_from


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading of mkdocs.yml: ``!ENV`` is resolved, other tags (``!!python/name:``,
    ``!relative``) become None; none of them can matter to the factcheck options."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # Same rule as pyyaml_env_tag (MkDocs' own): the first variable that is set,
    # else the last item of a list of two or more as the default.
    if isinstance(node, yaml.ScalarNode):
        names, default = [str(loader.construct_scalar(node))], None
    elif isinstance(node, yaml.SequenceNode):
        items = [str(item) for item in loader.construct_sequence(node)]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        return None
    return next((os.environ[name] for name in names if name in os.environ), default)


def _construct_unknown(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_constructor("!ENV", _construct_env)
_ConfigLoader.add_constructor(None, _construct_unknown)


def read_config(config_file: Path, depth: int = 0) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: ``INHERIT`` names a parent file that this one
    is merged into (mappings merged key by key, lists replaced)."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SiteError(f"{config_file}: cannot read it: {exc}") from None
    if not isinstance(config, dict):
        return {}
    parent = config.pop("INHERIT", None)
    if isinstance(parent, str) and depth < 10:
        return _merge(read_config(config_file.parent / parent, depth + 1), config)
    return config


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        both = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both else value
    return merged


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
    theme = config.get("theme")
    theme = theme if isinstance(theme, dict) else {}
    top = {"site_name": config.get("site_name"), "docs_dir": config.get("docs_dir", "docs")}
    for key, value in top.items():
        if not isinstance(value, str) or not value:
            raise SiteError(f"{config_file}: {key} must be set to text")
    try:
        return settings_from(
            plugin_options(config), config_dir=config_file.parent.resolve(), docs_dir=top["docs_dir"],
            site_name=top["site_name"], site_url=_text(config.get("site_url")),
            use_directory_urls=config.get("use_directory_urls", True) is not False,
            repo_url=_text(config.get("repo_url")), theme_language=_text(theme.get("language")),
            custom_dir=_text(theme.get("custom_dir")), site_description=_text(config.get("site_description")))
    except SettingsError as exc:
        raise SiteError(f"{config_file}: {exc}") from None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
