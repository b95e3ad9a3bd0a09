"""A site's settings as the ``factcheck`` commands need them, read from its ``mkdocs.yml``
without building: the claims folder, the rating scale, the editorial and record
policies, the cache and the hosts the network commands may ask."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..base import parallel
from ..base.errors import SiteError
from ..claims import editorial, people
from ..claims.loader import DEFAULT_MAX_BYTES
from ..claims.record import RecordPolicy
from ..claims.scale import RatingScale
from ..plan import siteplan
from .mkdocs_yml import plugin_options, read_config

DEFAULT_CLAIMS_DIR = "claims"
SCHEMA_PATH = Path("schema") / "claim.schema.json"
PEOPLE_SCHEMA_PATH = Path("schema") / "people.schema.json"


@dataclass(frozen=True)
class Site:
    """What the command needs from mkdocs.yml."""

    claims_dir: Path
    scale: RatingScale
    max_file_bytes: int = DEFAULT_MAX_BYTES
    policy: editorial.Policy = field(default_factory=editorial.Policy)
    root: Path | None = None  # the folder of mkdocs.yml: the claims folder must be inside it
    workers: int | None = None  # processes for parsing (None: auto)
    record: RecordPolicy = field(default_factory=RecordPolicy)
    cache_dir: Path | None = None
    allow_hosts: tuple[str, ...] = ()  # hosts the network commands ask at non-public addresses
    people_file: Path | None = None  # people.yml, read when it exists


def read_site(config_file: Path) -> Site:
    """The factcheck plugin's options from ``config_file``; defaults when there is none."""
    config = read_config(config_file) if config_file.is_file() else {}
    options = plugin_options(config)
    base = config_file.parent
    claims_dir = options.get("claims_dir") or DEFAULT_CLAIMS_DIR
    max_bytes = options.get("max_file_bytes") or DEFAULT_MAX_BYTES
    if not isinstance(claims_dir, str) or not isinstance(max_bytes, int):
        raise SiteError(f"{config_file}: plugins.factcheck: claims_dir must be text and "
                        "max_file_bytes a number")
    try:
        policy = editorial.Policy.from_options(options.get("warnings_as_errors"), options.get("min_reviewers", 0),
                                               options.get("timezone", "UTC"))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    try:
        workers = parallel.workers_option(options.get("workers", parallel.AUTO))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    # Checks without `author` are credited to the default author, as the build does (siteplan.settings_from).
    site_name = config.get("site_name") if isinstance(config.get("site_name"), str) else ""
    author = options.get("default_author") or options.get("organization") or site_name
    policy = dataclasses.replace(policy, desk=people.Desk(author if isinstance(author, str) else ""))
    try:
        people_file = siteplan.people_file(_text_option(options, "people"), base)
    except siteplan.SettingsError as exc:
        raise SiteError(f"{config_file}: {exc}") from None
    try:
        record = RecordPolicy.from_options(options.get("history", "auto"), options.get("record_starts"))
    except ValueError as exc:
        raise SiteError(f"{config_file}: plugins.factcheck.{exc}") from None
    cache_dir = options.get("cache_dir")
    allow = options.get("allow_hosts") or []
    if not isinstance(allow, list) or not all(isinstance(host, str) for host in allow):
        raise SiteError(f"{config_file}: plugins.factcheck.allow_hosts must be a list of host names")
    return Site(base / claims_dir, _scale(config_file, options.get("scale")), max_bytes, policy, base, workers,
                record, base / cache_dir if isinstance(cache_dir, str) and cache_dir else None, tuple(allow),
                people_file)


def _text_option(options: dict[str, Any], name: str) -> str | None:
    value = options.get(name)
    return value if isinstance(value, str) and value else None


def _scale(config_file: Path, entries: Any) -> RatingScale:
    if entries is not None and not isinstance(entries, list):
        raise SiteError(f"{config_file}: plugins.factcheck.scale must be a list of ratings")
    try:
        return RatingScale.from_config(entries)
    except ValidationError as exc:
        problems = "; ".join(
            "scale" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
            + f": {e['msg']}" for e in exc.errors())
        raise SiteError(f"{config_file}: plugins.factcheck.scale is invalid: {problems}") from None
