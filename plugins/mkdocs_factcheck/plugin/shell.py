"""Claim pages through the theme's page template once per shape, then filled per page.

Takes the theme's ``main.html`` (a jinja2 ``Template``) and the claim pages' specs;
gives the same HTML the template renders for each page, byte for byte, rendering
the template itself only a few times per *shape*. Material's page template costs
about 9 ms a page, mostly the site's navigation, which is the same on every claim
page; what differs is a few values: the title, the page's meta texts, the canonical
URL, the table of contents' names and anchors, the content, our footer.

A shape is everything else the template may read (where the page is, its meta's
other values, the TOC's structure, the other context values). For each shape the
template is rendered twice more with *probe* values put in the page: plain tokens,
then hostile ones (markup, ampersands, quotes, braces, ``</script>``, long). Where
each hostile token comes out as it is or escaped, the output is a list of text
parts and slots; any other trace of a token (a filter such as ``striptags`` or
``truncate`` on it) or any difference between the two probes besides the tokens
(a branch on the value) and the shape is rendered in full, always. The fill is
then checked against the full render of the shape's second and third pages (a
page's own URL read by the template shows there); only then are its pages filled.
Anything not known (another page template, a page another plugin changed, more
shapes than a few, any error) is rendered in full: the shell never guesses.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import markupsafe
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..output.pages import PageSpec

MARK, END = "\ue000", "\ue001"  # private-use characters: in no theme's own text
MAX_SHAPES = 64  # a site whose claim pages take more shapes than this renders the rest in full
OFF_SWITCH = "FACTCHECK_FULL_RENDER"  # set (to anything) to render every page in full: the tests compare both
FOOTER = "factcheck_footer"  # our footer, in the context (plugin: _page_context_for_search)

Render = Callable[..., str]


def _plain(index: int) -> str:
    return f"{MARK}fc{index}{END}"


def _hostile(index: int) -> str:
    return f"{MARK}fc{index} <b class='x'>&amp; \"q\" {{{{ x }}}} {{% raw %}}</script>\t  ü{'x' * 120}{END}"


def _quoted(text: str) -> str:
    """Our base template's own fix to a meta description with a straight quote (factcheck_base.html)."""
    return text.replace('"', "&quot;")


# How a slot's value may come out: as it is, escaped (``| e``), its straight quotes escaped.
FORMS: tuple[Callable[[str], str], ...] = (str, lambda text: str(markupsafe.escape(text)), _quoted)
ANCHOR = re.compile(r"[A-Za-z0-9_.:-]+")  # anchors the plain token stands for: no form changes them


@dataclass
class Slots:
    """One page's values for the slots of its shape, in order, with which are anchors."""

    values: list[str] = field(default_factory=list)
    anchors: set[int] = field(default_factory=set)
    heading: int = -1  # the content's slot when it holds an h1, which material's content.html looks for

    def tokens(self, make: Callable[[int], str]) -> list[str]:
        """Probe values: ``make(i)`` for slot i (the plain one for anchors), the content's with its "<h1"."""
        found = [_plain(i) if i in self.anchors else make(i) for i in range(len(self.values))]
        if self.heading >= 0:
            found[self.heading] += "<h1"
        return found

    def add(self, value: str, *, anchor: bool = False) -> None:
        if anchor:
            self.anchors.add(len(self.values))
        self.values.append(value)


@dataclass
class Shape:
    """The template's output for a shape as text parts between slots: ``parts[0] slot parts[1] ...``;
    ``refs[i]`` is (slot index, form index) of the slot after ``parts[i]``."""

    parts: list[str]
    refs: list[tuple[int, int]]
    checked: int = 0  # full renders the fill matched; filled alone from 2 on

    def fill(self, values: list[str]) -> str | None:
        """The page for ``values``; None when a value could come out otherwise than the probes showed
        (a straight quote where the template escapes quotes: its branch on that is not probed)."""
        out = [self.parts[0]]
        for (slot, form), part in zip(self.refs, self.parts[1:], strict=True):
            value = values[slot]
            if form == 2 and '"' in value:
                return None
            out.append(FORMS[form](value))
            out.append(part)
        return "".join(out)


class ShellPages:
    """Renders claim pages for one build: ``render(template_render, context)`` is the page's HTML."""

    def __init__(self, claim_pages: dict[str, PageSpec], url_of: Callable[[str], str]) -> None:
        self._specs = claim_pages
        self._url_of = url_of
        # A shape seen once (1), probed (its Shape), or rendered in full (None).
        self._shapes: dict[tuple[Any, ...], Shape | int | None] = {}
        self.filled = 0

    def install(self, template: Any) -> bool:
        """Render this template's claim pages through the shell (only ``template``, only this build's)."""
        if os.environ.get(OFF_SWITCH):
            return False
        original: Render = template.render

        def render(*args: Any, **kwargs: Any) -> str:
            context = args[0] if len(args) == 1 and not kwargs and isinstance(args[0], dict) else None
            if context is None:
                return original(*args, **kwargs)
            return self.render(original, context)

        template.render = render
        return True

    def render(self, original: Render, context: dict[str, Any]) -> str:
        page = context.get("page")
        if not isinstance(page, Page):
            return original(context)
        described = self._described(page, context)
        if described is None:
            return original(context)
        key, slots = described
        shape = self._shapes.get(key, 0)
        if isinstance(shape, Shape) and shape.checked >= 2:
            filled = shape.fill(slots.values)
            if filled is not None:
                self.filled += 1
                return filled
            return original(context)
        output = original(context)
        if shape is None:
            return output
        if isinstance(shape, Shape):  # checked against a second page: its own URL, other values
            self._shapes[key] = shape if shape.fill(slots.values) == output else None
            shape.checked += 1
        elif shape == 0 and len(self._shapes) < MAX_SHAPES:
            self._shapes[key] = 1  # a shape seen once costs no probe: many are the only page of theirs
        elif shape == 1:
            self._shapes[key] = self._probed(original, context, page, slots, output)
        return output

    # A page's shape and slot values.

    def _described(self, page: Page, context: dict[str, Any]) -> tuple[tuple[Any, ...], Slots] | None:
        """(shape key, slot values) of one of our claim pages as MkDocs hands it over; None for any
        other page, or one of ours another plugin moved, gave Markdown or neighbours."""
        spec = self._specs.get(page.file.src_uri)
        if spec is None or page.url != self._url_of(spec.src_uri) or page.markdown != "":
            return None
        if page.previous_page is not None or page.next_page is not None or page.parent is not None:
            return None  # in the nav: its neighbours and sections show
        slots = Slots()
        key: list[Any] = [spec.template, posixpath.dirname(page.url.rstrip("/")), page.url.endswith("/"),
                          page.is_homepage, page.edit_url, page.active]
        for name in ("title", "canonical_url", "content"):
            text = getattr(page, name)
            if text is not None and not isinstance(text, str):
                return None
            key.append(text is None or text == "")
            if text:
                if name == "content" and "<h1" in text:
                    slots.heading = len(slots.values)
                slots.add(text)
        key.append(slots.heading >= 0)
        meta = page.meta if isinstance(page.meta, dict) else None
        if meta is None or not self._add_meta(meta, key, slots):
            return None
        if not _add_toc(page.toc, key, slots):
            return None
        footer = context.get(FOOTER)
        if footer is not None and not isinstance(footer, str):
            return None
        key.append((FOOTER, bool(footer)))
        if footer:
            slots.add(footer)
        others = _context_key(context)
        if others is None:
            return None
        key.append(others)
        return tuple(key), slots

    @staticmethod
    def _add_meta(meta: dict[str, Any], key: list[Any], slots: Slots) -> bool:
        for name in sorted(meta):
            value = meta[name]
            if not isinstance(name, str):
                return False
            if isinstance(value, str) and value:
                key.append((name, str))
                slots.add(value)
            elif _plain_data(value):
                key.append((name, repr(value)))
            else:
                return False
        return True

    # The probes.

    def _probed(self, original: Render, context: dict[str, Any], page: Page, slots: Slots,
                output: str) -> Shape | None:
        """The shape made from two probe renders, checked against the first page's ``output``; None
        where the probes show the template doing more with a value than print it (or escape it)."""
        plain, hostile = slots.tokens(_plain), slots.tokens(_hostile)
        try:
            with_plain = _probe(original, context, page, plain)
            with_hostile = _probe(original, context, page, hostile)
        except Exception:  # a probe the template cannot take: this shape renders in full
            return None
        shape = _shape_of(with_hostile, hostile)
        if shape is None or shape.fill(plain) != with_plain or shape.fill(slots.values) != output:
            return None
        shape.checked = 1
        return shape


def _plain_data(value: Any) -> bool:
    """Values the shape key holds by their repr: meta's lists, flags, numbers, nested."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain_data(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_data(v) for k, v in value.items())
    return False


def _add_toc(toc: Any, key: list[Any], slots: Slots) -> bool:
    """The TOC's structure into the key, its names and anchors into the slots."""
    if not isinstance(toc, TableOfContents):
        return False
    for item in _walk(list(toc)):
        if type(item) is not AnchorLink or not isinstance(item.title, str) or not isinstance(item.id, str):
            return False
        if not ANCHOR.fullmatch(item.id) or not item.title:
            return False
        extra = _extra_attributes(item)  # `active`, set on the first (material, from the skip link)
        if not all(_plain_data(value) for value in extra.values()):
            return False
        key.append(("toc", item.level, len(item.children), repr(sorted(extra.items()))))
        slots.add(item.title)
        slots.add(item.id, anchor=True)
    key.append(("toc", "end"))
    return True


LINK_FIELDS = frozenset({"title", "id", "level", "children"})


def _extra_attributes(item: AnchorLink) -> dict[str, Any]:
    return {name: value for name, value in vars(item).items() if name not in LINK_FIELDS}


def _walk(items: list[AnchorLink]) -> Iterator[AnchorLink]:
    for item in items:
        yield item
        yield from _walk(item.children)


def _context_key(context: dict[str, Any]) -> tuple[Any, ...] | None:
    """Every other context value, as the shape sees it: texts and lists of texts by value, the build's
    objects (nav, config) by identity (a plugin adding a new object per page makes each its own shape)."""
    found: list[Any] = []
    for name in sorted(context):
        value = context[name]
        if name in ("page", FOOTER, "build_date_utc"):  # the build's date: the same instant for every page
            continue
        if name == "pages":  # MkDocs' list of the documentation pages, new for every page
            found.append((name, len(value)))
        elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            found.append((name, tuple(value)))
        elif value is None or isinstance(value, (str, int, bool)):
            found.append((name, value))
        else:
            found.append((name, id(value)))
    return tuple(found)


def _probe(original: Render, context: dict[str, Any], page: Page, tokens: list[str]) -> str:
    """The template's output with ``tokens`` in place of the page's slot values (put back after)."""
    state = {name: page.__dict__[name] for name in ("title", "canonical_url", "content", "meta", "toc")
             if name in page.__dict__}
    probe = dict(context)
    queue = iter(tokens)
    try:
        for name in ("title", "canonical_url", "content"):
            value = getattr(page, name)
            if value:
                setattr(page, name, next(queue))
        page.meta = {name: next(queue) if isinstance(value, str) and value else value
                     for name, value in sorted(page.meta.items())}
        page.toc = TableOfContents([_probe_link(item, queue) for item in page.toc])
        if probe.get(FOOTER):
            probe[FOOTER] = next(queue)
        return original(probe)
    finally:
        for name in ("title", "canonical_url", "content", "meta", "toc"):
            if name in state:
                page.__dict__[name] = state[name]
            else:
                page.__dict__.pop(name, None)


def _probe_link(item: AnchorLink, queue: Iterator[str]) -> AnchorLink:
    link = AnchorLink(next(queue), next(queue), item.level)
    vars(link).update(_extra_attributes(item))
    link.children = [_probe_link(child, queue) for child in item.children]
    return link


def _shape_of(output: str, tokens: list[str]) -> Shape | None:
    """``output`` cut at each token's occurrence, in one of ``FORMS``; None if a trace of a token
    is left in the text parts (it came out some other way)."""
    forms: dict[str, tuple[int, int]] = {}
    for slot, token in enumerate(tokens):
        for form, make in enumerate(FORMS):
            forms.setdefault(make(token), (slot, form))
    pattern = re.compile("|".join(re.escape(text) for text in sorted(forms, key=len, reverse=True)))
    parts: list[str] = []
    refs: list[tuple[int, int]] = []
    start = 0
    for match in pattern.finditer(output):
        parts.append(output[start:match.start()])
        refs.append(forms[match.group()])
        start = match.end()
    parts.append(output[start:])
    if any(MARK in part or END in part for part in parts):
        return None
    return Shape(parts, refs)
