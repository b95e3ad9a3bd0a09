"""ASCII slugs for people, organisations and tags, stable across builds."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .urls import is_device_name

# Letters that Unicode does not decompose into an ASCII base letter.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                          "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe", "\u0131": "i"})


MAX_SLUG = 80  # a slug is a folder name, and file systems stop at 255 bytes


def slugify(text: str) -> str:
    """'Émilie Fournier' -> 'emilie-fournier'. Empty when nothing ASCII is left.

    A long name keeps its first words and gets a short hash of the whole, so two long
    names that start alike still get two slugs."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_SPECIAL)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = slug[: MAX_SLUG - len(digest) - 1].rstrip("-") + "-" + digest
    return slug


def unique_slugs(names: Iterable[str], fallback: str = "item") -> dict[str, str]:
    """A distinct slug per distinct name. Names that slug alike get -2, -3 ... in
    sorted order, so the same set of names always gives the same slugs.

    The loader refuses two names that slug alike (a located error), so on a valid
    claim set every name gets ``name_slug`` itself and a published page never moves."""
    slugs: dict[str, str] = {}
    taken: set[str] = {"index"}  # would collide with the section's own index page
    for name in sorted(set(names), key=lambda n: (slugify(n), n)):
        base = name_slug(name, fallback)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


def name_slug(key: str, fallback: str = "item") -> str:
    """The slug of a name key (see ``name_key``). A name with no Latin letters (e.g. 北京)
    still gets a stable, distinct slug from a hash of it, and so does a name whose slug
    Windows reads as a device (``con``, ``nul``, ``com1``): ``tags/con/`` cannot be checked out there."""
    slug = slugify(key)
    if slug and not is_device_name(slug):
        return slug
    return f"{slug or fallback}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def name_key(name: str) -> str:
    """What makes two spellings one name: case, spacing and Unicode form are ignored."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()
