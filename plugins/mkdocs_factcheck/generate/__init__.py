"""The generator adapter: a ``SitePlan`` in, Markdown pages and site files in docs_dir out.

For engines that build Markdown from ``mkdocs.yml`` but run no MkDocs plugins
(Zensical; MkDocs or ProperDocs without ours). Each generated page becomes
``<docs_dir>/<src path>`` (so it is published at the URL the plugin gives it):
front matter (title, description, search exclusion, and ``factcheck_head``: the
page's head tags for a theme override to print) and the same HTML body as under
the plugin, wrapped in one ``<div>`` so Markdown leaves it alone. A claim page
carries its ClaimReview in the body, where no theme can drop it.

Only files this module wrote are ever replaced or removed: it lists them in
``<docs_dir>/.factcheck-generated`` with the SHA-256 of what it wrote, and a file
counts as its own only while its content still has that hash, so a hand-made or
edited list cannot make it (or the plugin) drop or delete a hand-written page. It
refuses to overwrite any other file (unless it holds exactly what would be
written), writes nowhere outside docs_dir and never into the claims folder, and
refuses a claims folder inside docs_dir, which another engine would publish as it
is. Files whose content is unchanged are not rewritten, so a live-reloading server
rebuilds only what changed. ``watch`` polls the claims, templates and ``mkdocs.yml`` (stdlib only).

May import: ``base``, ``claims``, ``output``, ``plan``, ``project``; never MkDocs' build machinery.
"""

from __future__ import annotations

import functools
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..base import parallel
from ..base.errors import ClaimError, SiteError, format_report
from ..claims import urls
from ..output import editor
from ..output.pages import PageSpec
from ..plan.generated import MANIFEST, digest_of, owned_files, write_manifest
from ..plan.siteplan import Settings, SitePlan, SitePlanner, missing_identity_pages
from ..plan.unwritten import unwritten, unwritten_note
from ..project.mkdocs_yml import read_settings

# With this template in the site's theme.custom_dir, generated pages print their head tags.
HEAD_TEMPLATE = "factcheck.html"


class GenerateError(Exception):
    """Generating would break something (a hand-written file in the way, a path outside docs_dir)."""


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    errors: list[ClaimError] = field(default_factory=list)

    def summary(self, docs_dir: Path) -> str:
        return (f"{docs_dir}: {len(self.written)} files written, {self.unchanged} unchanged, "
                f"{len(self.removed)} removed")


def site_outputs(plan: SitePlan, *, head_template: bool = False,
                 images: dict[str, bytes] | None = None) -> dict[str, str | bytes]:
    """Every generated file by its path in docs_dir: the pages as Markdown, then the site files
    and the share cards (PNG)."""
    specs = list(plan.pages.values())
    # In worker processes when there are enough pages; not where the planner keeps pages
    # for the next round (watch): a worker's renders would not be kept.
    workers = 1 if plan.reuse is not None else parallel.worker_count(plan.workers, len(specs))
    made = parallel.pmap(functools.partial(page_markdown, plan, head_template=head_template), specs, workers,
                         "pages made")
    outputs: dict[str, str | bytes] = dict(zip(plan.pages, made, strict=True))
    outputs.update(plan.files)
    outputs.update(images or {})
    return outputs


def outputs_paths(plan: SitePlan) -> list[str]:
    """The paths in docs_dir that the plan's pages and files take."""
    return [*plan.pages, *plan.files, *(path for path, _ in plan.cards)]


def page_markdown(plan: SitePlan, spec: PageSpec, *, head_template: bool = False) -> str:
    # Zensical resolves a relative link in a page's content from the page's source file
    # (claims/x.md: from claims/), as MkDocs does Markdown links, then adjusts it to the
    # page's URL; so the body's links start from the source folder. Head tags are printed by
    # the theme as they are: they start from the URL.
    source = urls.page_url(spec.src_uri, use_directory_urls=False)
    links = urls.Links(source, plan.renderer.site.use_directory_urls)
    # No plugin adds our CSS and script to the theme's page here: the body links them.
    assets = (f'<link rel="stylesheet" href="{links.to(urls.STYLESHEET)}">\n'
              f'<script src="{links.to(urls.SCRIPT)}" defer></script>\n')
    html = plan.body(spec, here=source)
    body = f'<div class="fc-generated">\n{assets}{plan.claim_review(spec)}\n{html}\n</div>\n'
    meta: dict[str, str] = {"factcheck_head": plan.head(plan.url(spec.src_uri), spec, claim_review=False)}
    if head_template:
        meta["template"] = HEAD_TEMPLATE
    return spec.stub(body, **meta)


def write_site(plan: SitePlan, docs_dir: Path, *, claims_dir: Path, head_template: bool = False,
               images: dict[str, bytes] | None = None, extra: dict[str, str | bytes] | None = None) -> Outcome:
    """Write the plan (and ``extra`` files: the editor page) into ``docs_dir``; remove what an
    earlier run wrote that is gone now."""
    outputs = site_outputs(plan, head_template=head_template, images=images)
    outputs.update(extra or {})
    owned = owned_files(docs_dir)
    problems = list(_refusals(outputs, owned, docs_dir, claims_dir))
    if problems:
        raise GenerateError("nothing was written:\n" + "\n".join(f"  {p}" for p in problems))
    outcome = Outcome(errors=list(plan.errors))
    for path, content in outputs.items():
        target = docs_dir / path
        data = _bytes(content)
        if target.is_file() and target.read_bytes() == data:
            outcome.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        outcome.written.append(path)
    for path in sorted(owned - set(outputs)):
        target = docs_dir / path
        if target.is_file() and _inside(target, docs_dir) and not _inside(target, claims_dir):
            target.unlink()
            outcome.removed.append(path)
            _remove_empty_parents(target.parent, docs_dir)
    write_manifest(docs_dir, {path: digest_of(_bytes(content)) for path, content in outputs.items()})
    return outcome


def _editor_outputs(settings: Settings) -> dict[str, str | bytes]:
    """The form editor's page (the `editor` option), as the plugin publishes it."""
    texts, copies = editor.site_files(
        settings.editor, settings.scale, config_dir=settings.config_dir, claims_dir=settings.claims_dir,
        docs_dir=settings.docs_dir, site_url=settings.site.url, site_name=settings.site.name)
    return {**texts, **{path: source.read_bytes() for path, source in copies.items()}}


def _refusals(outputs: dict[str, str | bytes], owned: set[str], docs_dir: Path, claims_dir: Path) -> Iterator[str]:
    if claims_dir.resolve() == docs_dir.resolve() or docs_dir.resolve().is_relative_to(claims_dir.resolve()):
        yield f"docs_dir ({docs_dir}) is inside the claims folder; keep the two apart"
        return
    if _inside(claims_dir, docs_dir):
        # The plugin leaves the claims folder out of MkDocs' files; an engine without it would
        # publish every claim file as it is, drafts and embargoed checks included.
        yield (f"{claims_dir}: the claims folder is inside docs_dir ({docs_dir}), whose every file is published "
               "as it is (drafts included); move claims_dir out of docs_dir")
    for path in outputs:
        target = docs_dir / path
        if not _inside(target, docs_dir):
            yield f"{target}: outside docs_dir (a symbolic link?); remove the link"
        elif _inside(target, claims_dir):
            yield (f"{target}: inside the claims folder; move claims_dir out of docs_dir or rename "
                   "the folder")
        elif path not in owned and (target.exists() or target.is_symlink()) and not _holds(target, outputs[path]):
            yield (f"{target}: a file that factcheck generate did not write (or one changed since it did) is in "
                   "the way; remove or rename it (this path is a generated page or file)")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _remove_empty_parents(folder: Path, docs_dir: Path) -> None:
    while folder.resolve() != docs_dir.resolve() and _inside(folder, docs_dir) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def out_of_date(docs_dir: Path, outputs: dict[str, str | bytes], cards: list[str]) -> list[tuple[str, str]]:
    """(path, what is wrong) for each file of docs_dir that differs from a fresh ``generate``:
    missing or changed pages and files, missing share cards (their names are their content's
    hash), and files an earlier run wrote that it would now remove."""
    problems = []
    for path, content in outputs.items():
        target = docs_dir / path
        data = content if isinstance(content, bytes) else content.encode()
        if not target.is_file():
            problems.append((path, "missing"))
        elif target.read_bytes() != data:
            problems.append((path, "out of date"))
    problems += [(path, "missing") for path in cards if not (docs_dir / path).is_file()]
    expected = {*outputs, *cards}
    problems += [(path, "left over: its page or file is gone") for path in sorted(owned_files(docs_dir) - expected)
                 if (docs_dir / path).is_file()]
    return problems


def _docs_files(docs_dir: Path) -> Iterator[str]:
    """Every file of docs_dir by its path there, as an engine reading the folder sees them."""
    if docs_dir.is_dir():
        yield from (path.relative_to(docs_dir).as_posix() for path in docs_dir.rglob("*") if path.is_file())


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


def _holds(target: Path, content: str | bytes) -> bool:
    """Whether ``target`` already holds exactly ``content`` (writing it again loses nothing)."""
    try:
        return target.is_file() and not target.is_symlink() and target.read_bytes() == _bytes(content)
    except OSError:
        return False


def not_ignored(docs_dir: Path, paths: list[str]) -> list[str]:
    """Generated paths that git would commit, by top folder (empty outside a git work tree)."""
    every = [*paths, MANIFEST]
    try:
        proc = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=docs_dir, text=True,
                              input="\n".join(every) + "\n", capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    if proc.returncode not in (0, 1):  # 128: not a git work tree
        return []
    ignored = {line.strip() for line in proc.stdout.splitlines()}
    loose = [path for path in every if path not in ignored]
    return sorted({path.rsplit("/", 1)[0] + "/" if "/" in path else path for path in loose})


class Generator:
    """``factcheck generate``: read the site's settings, plan, write; again on every change
    under ``--watch``. Keeps its planner while the settings stay the same."""

    def __init__(self, config_file: Path, *, say: Callable[[str], None], warn: Callable[[str], None]) -> None:
        self.config_file = config_file
        self.say, self.warn = say, warn
        self.planner: SitePlanner | None = None

    def run(self, *, keep_going: bool = False) -> int:
        """Generate once; 0 when the site is complete, 1 when something is wrong. Claim errors
        write nothing, unless ``keep_going`` (watch), where pages show them as the server does."""
        try:
            settings = read_settings(self.config_file)
        except SiteError as exc:
            self.warn(f"error: {exc}")
            return 1
        if self.planner is None or self.planner.settings != settings:
            self.planner = SitePlanner(settings, keep_pages=keep_going)
        plan = self.planner.plan(show_errors=keep_going)
        for error in plan.errors:
            self.warn(str(error))
        if plan.errors and not keep_going:
            self.warn(format_report(plan.errors).splitlines()[0] + " nothing was written; fix them and run again")
            return 1
        sources = {*_docs_files(settings.docs_dir), *plan.pages, *plan.files}
        directory_urls = settings.site.use_directory_urls
        missing = missing_identity_pages(settings.site, sources | {urls.page_url(s, directory_urls) for s in sources},
                                         config_file=self.config_file, docs_dir=settings.docs_dir.name)
        if missing:
            self.warn("\n".join(f"error: {line}" for line in missing) + "\nnothing was written")
            return 1
        head_template = bool(settings.custom_dir and (settings.custom_dir / HEAD_TEMPLATE).is_file())
        images, card_warnings = self.planner.card_images(plan)
        for warning in card_warnings:
            self.warn(str(warning))
        extra = _editor_outputs(settings)
        try:
            outcome = write_site(plan, settings.docs_dir, claims_dir=settings.claims_dir,
                                 head_template=head_template, images=images, extra=extra)
        except GenerateError as exc:
            self.warn(f"error: {exc}")
            return 1
        self.planner.save_cache()
        self.say(outcome.summary(settings.docs_dir))
        for page in unwritten(settings.docs_dir, skip=set(outputs_paths(plan))):
            self.say(unwritten_note(f"{settings.docs_dir.name}/{page}"))
        loose = not_ignored(settings.docs_dir, [*plan.pages, *plan.files, *(path for path, _ in plan.cards), *extra])
        if loose:
            where = settings.docs_dir.relative_to(settings.config_dir.resolve()).as_posix() \
                if settings.docs_dir.is_relative_to(settings.config_dir.resolve()) else settings.docs_dir.as_posix()
            self.warn("note: git would commit generated files; add these lines to .gitignore: "
                      + " ".join(f"/{where}/{path}" for path in loose))
        return 1 if plan.errors else 0

    def check(self) -> int:
        """``--check``: write nothing; 0 when docs_dir holds what ``run`` would write now, else 1 with
        each missing, stale or left-over file named (so CI can stop a build that would publish a
        site without its fact checks, or with old ones: Zensical runs no plugin and would not say)."""
        try:
            settings = read_settings(self.config_file)
        except SiteError as exc:
            self.warn(f"error: {exc}")
            return 1
        self.planner = SitePlanner(settings)
        plan = self.planner.plan()
        for error in plan.errors:
            self.warn(str(error))
        if plan.errors:
            self.warn(format_report(plan.errors).splitlines()[0] + " fix them, then run factcheck generate")
            return 1
        head_template = bool(settings.custom_dir and (settings.custom_dir / HEAD_TEMPLATE).is_file())
        outputs = site_outputs(plan, head_template=head_template)
        problems = out_of_date(settings.docs_dir, outputs, [path for path, _ in plan.cards])
        shown = settings.docs_dir.name
        if problems:
            for path, why in problems:
                self.warn(f"{shown}/{path}: {why}")
            self.warn(f"error: {len(problems)} generated file{'s' if len(problems) != 1 else ''} missing or out of "
                      "date: run `factcheck generate` before building (Zensical runs no MkDocs plugin, so "
                      "without it the site has no fact checks or old ones)")
            return 1
        self.say(f"{shown}: the generated pages and files are current ({len(outputs) + len(plan.cards)} files)")
        return 0

    def state(self) -> object:
        """What a regeneration depends on, as (path, mtime, size): claim files, our templates
        in the site's custom_dir, and mkdocs.yml."""
        settings = self.planner.settings if self.planner else None
        if settings is None:
            try:
                settings = read_settings(self.config_file)
            except SiteError:
                settings = None  # run() reports it
        folders = [settings.claims_dir, *settings.overrides] if settings else []
        stamps = []
        for path in [*(p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*"))),
                     self.config_file]:
            if path.is_file():
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def watch(self, *, interval: float = 1.0, rounds: int | None = None) -> None:
        """Generate now and after every change; poll every ``interval`` seconds (``rounds``
        limits the polls, for tests)."""
        last: object = None
        polled = 0
        while rounds is None or polled < rounds:
            # Look before generating: an edit made while it runs is seen on the next look.
            current = self.state()
            if current != last:
                last = current
                self.run(keep_going=True)
            time.sleep(interval)
            polled += 1
