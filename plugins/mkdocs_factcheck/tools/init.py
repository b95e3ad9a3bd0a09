"""``factcheck init DIR``: a new fact-check site, complete and building, in one command.

Takes a folder (new or empty), the engine path (``mkdocs``: the plugin under MkDocs or
ProperDocs; ``zensical``: ``factcheck generate`` then Zensical), a language and a site name;
gives the files of ``scaffold/`` (this package's data) written there: ``mkdocs.yml`` with the
identity options set and the public address read from the deployment (``!ENV SITE_URL``),
the hand-written pages a desk must fill in (each says what is still to be written and
carries ``<!-- factcheck:to-write -->``, which the build reports until it is gone), a claims
folder with one example check (a draft), the claim schema and the editor's wiring to it,
the pull-request, deploy and links workflows, ``requirements.txt`` and ``.gitignore``.
Never overwrites a file: a folder that already holds any of them is refused, nothing written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import __version__
from ..base.errors import SiteError
from ..base.strings import BUNDLED

SCAFFOLD = Path(__file__).parents[1] / "scaffold"
ENGINES = ("mkdocs", "zensical")
ZENSICAL_VERSION = "0.0.73"  # the version `factcheck generate`'s output is tested with
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# Where each scaffold file goes in the new site ({engine}: the file for the chosen engine).
LAYOUT = {
    "mkdocs.yml": "mkdocs.yml",
    "requirements.txt": "requirements.txt",
    "gitignore": ".gitignore",
    "vscode/settings.json": ".vscode/settings.json",
    "overrides/factcheck.html": "overrides/factcheck.html",
    "claims/example-check.yml": "claims/example-check.yml",
    **{f"docs/{page}.md": f"docs/{page}.md"
       for page in ("index", "about", "methodology", "funding", "contact", "corrections")},
    "workflows/validate.{engine}.yml": ".github/workflows/validate.yml",
    "workflows/deploy.{engine}.yml": ".github/workflows/deploy.yml",
    "workflows/links.yml": ".github/workflows/links.yml",
}
SCHEMA = "schema/claim.schema.json"


@dataclass(frozen=True)
class Choices:
    """What the desk chose on the command line."""

    engine: str = "mkdocs"
    language: str = "en"
    site_name: str = "Fact checks"
    today: date = date(2000, 1, 1)


def site_files(choices: Choices, schema: str) -> dict[str, str]:
    """Every file of the new site by its path in it, filled in."""
    if choices.engine not in ENGINES:
        raise SiteError(f"unknown engine {choices.engine!r}; write one of: {', '.join(ENGINES)}")
    if not LANGUAGE.fullmatch(choices.language):
        raise SiteError(f"language {choices.language!r} is not a language code; write one such as en, fr or pt-BR")
    name = " ".join(choices.site_name.split())
    if not name:
        raise SiteError("the site name is empty; give one with --name")
    values = {
        "LANGUAGE_OPTION": _language_option(choices.language),
        "VERSION": __version__,
        "SITE_NAME": name,
        "SITE_NAME_YAML": json.dumps(name, ensure_ascii=False),  # a JSON string is a YAML string
        "SITE_DESCRIPTION": json.dumps(f"Fact checks by {name}.", ensure_ascii=False),
        "LANGUAGE": choices.language,
        "TODAY": choices.today.isoformat(),
        "ZENSICAL": ZENSICAL_VERSION,
    }
    files = {target: _filled((SCAFFOLD / source.format(engine=choices.engine)).read_text(encoding="utf-8"), values)
             for source, target in LAYOUT.items()}
    files[SCHEMA] = schema
    return files


def _language_option(language: str) -> str:
    """Nothing for a language factcheck has words in; else the plugin's words kept English on
    purpose, with the way to translate them (the build would warn, and a strict one fail)."""
    if language.split("-")[0].lower() in BUNDLED:
        return ""
    return (f"      # factcheck has no words in {language!r} yet, so its pages use English: translate them\n"
            "      # under `strings:` (every key of ENGLISH in mkdocs_factcheck/strings.py; README:\n"
            "      # Adding a language), then delete the next line.\n"
            "      language: en\n")


def _filled(text: str, values: Mapping[str, str]) -> str:
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], text)


def write_site(folder: Path, files: Mapping[str, str]) -> list[str]:
    """Write ``files`` under ``folder``; refuse (writing nothing) if any of them is there already."""
    taken = sorted(path for path in files if (folder / path).exists() or (folder / path).is_symlink())
    if taken:
        raise SiteError(f"{folder}: already holds {', '.join(taken)}; factcheck init writes a new site "
                        "into an empty or new folder and never overwrites a file")
    if folder.exists() and not folder.is_dir():
        raise SiteError(f"{folder}: not a folder")
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    return sorted(files)


def next_steps(folder: Path, choices: Choices) -> list[str]:
    """What to tell the desk once the site is written."""
    build = ("factcheck generate && zensical serve" if choices.engine == "zensical" else "mkdocs serve")
    return [
        f"created a fact-check site in {folder} ({choices.engine}, language {choices.language}). Next:",
        f"  cd {folder}",
        f"  {build}                 # preview it on http://127.0.0.1:8000/",
        "  then write the pages the build lists as still to be written (docs/*.md),",
        "  replace claims/example-check.yml with a real check (`factcheck new \"the claim\"` starts one),",
        "  and in requirements.txt say where the workflows install mkdocs-factcheck from.",
    ]
