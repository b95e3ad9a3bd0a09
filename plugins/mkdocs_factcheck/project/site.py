"""A site's settings as the ``factcheck`` commands need them, read from its ``mkdocs.yml``
without building: the claims folder, the rating scale, the editorial and record
policies, the cache and the hosts the network commands may ask. A view of the build's
own ``Settings`` (``mkdocs_yml.settings_of``), so a command and the build read every
option alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..claims import editorial
from ..claims.record import RecordPolicy
from ..claims.scale import RatingScale
from ..plan.options import default
from .mkdocs_yml import read_config, settings_of

SCHEMA_PATH = Path("schema") / "claim.schema.json"
PEOPLE_SCHEMA_PATH = Path("schema") / "people.schema.json"


@dataclass(frozen=True)
class Site:
    """What the command needs from mkdocs.yml."""

    claims_dir: Path
    scale: RatingScale
    max_file_bytes: int = default("max_file_bytes")
    policy: editorial.Policy = field(default_factory=editorial.Policy)
    root: Path | None = None  # the folder of mkdocs.yml: the claims folder must be inside it
    workers: int | None = None  # processes for parsing (None: auto)
    record: RecordPolicy = field(default_factory=RecordPolicy)
    cache_dir: Path | None = None
    allow_hosts: tuple[str, ...] = ()  # hosts the network commands ask at non-public addresses
    people_file: Path | None = None  # people.yml, read when it exists


def read_site(config_file: Path) -> Site:
    """The factcheck plugin's options from ``config_file``, checked as the build checks them
    (``settings_from``); the defaults when there is no such file."""
    config = read_config(config_file) if config_file.is_file() else {}
    base = config_file.parent  # as given: paths in messages stay as the user wrote them
    settings = settings_of(config, config_file, config_dir=base)
    return Site(settings.claims_dir, settings.scale, settings.max_file_bytes, settings.policy, base,
                settings.workers, settings.record, settings.cache_dir, settings.allow_hosts, settings.people_file)
