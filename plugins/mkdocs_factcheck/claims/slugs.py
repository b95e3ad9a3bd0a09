"""ASCII slugs for people, organisations and tags, stable across builds, and the identity keys
that decide when two spellings name the same one (``identity_key``, ``spelling_key``)."""

from __future__ import annotations

import functools
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


# --- Identity: when two spellings name one person, organisation or tag -------------------
#
# A name written by hand (or converted from another desk's archive) comes in variants:
# "James Snapp." and "James Snapp", "JAMES  SNAPP", "Jean-Luc" and "Jean Luc", and, from an
# attacker, "James Snapp" with a zero-width space or a Cyrillic "a" (U+0430). Each variant must be the
# same entity (one page, one reviewer), never a second one.

# Default-ignorable code points that are not format characters (Cf, removed by category):
# the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, variation selectors,
# Mongolian free variation selectors, musical formatting, tags.
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
_KEPT_IN_IDENTITY = ("L", "N", "M")  # letters, digits and marks; punctuation, symbols, spaces go


def visible(name: str) -> str:
    """``name`` without the characters that show nothing: zero-width spaces and joiners, the
    soft hyphen, bidirectional controls, variation selectors and other format characters."""
    return "".join(ch for ch in _IGNORABLE.sub("", name) if unicodedata.category(ch) != "Cf")


@functools.lru_cache(maxsize=4096)
def _latin_look_alike(char: str) -> str:
    """The Latin letter that ``char``, a letter of another script, is drawn like ("" if none),
    from Unicode's confusables data (UTS #39) as confusable_homoglyphs ships it."""
    if char.isascii() or not char.isalpha() or unicodedata.name(char, "").startswith("LATIN "):
        return ""  # no letter, or a Latin one (José, Wójcik): most names are all of these
    from confusable_homoglyphs import categories, confusables  # loaded for the first other letter

    if categories.alias(char) in ("LATIN", "COMMON"):
        return ""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    latin = sorted(h["c"] for h in found[0]["homoglyphs"]
                   if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()) if found else []
    if not latin:
        return ""
    # UTS #39 draws every capital-I look-alike (Greek U+0399, Cyrillic U+0406, U+04C0) as "l"; names ignore
    # case, so a capital one is read as the "I" it shows.
    return "I" if latin[0] == "l" and char.isupper() else latin[0]


def _folded(name: str) -> str:
    """Visible characters, compatibility forms (full-width, ligatures) folded, look-alike
    letters of other scripts read as the Latin letters they show, case ignored."""
    text = unicodedata.normalize("NFKC", visible(name))
    text = "".join(_latin_look_alike(ch) or ch for ch in text)
    return unicodedata.normalize("NFKC", text.casefold())


@functools.lru_cache(maxsize=65536)
def identity_key(name: str) -> str:
    """What makes two spellings one person or organisation: their letters and digits, in order,
    with case, spacing, punctuation, symbols, invisible characters, Unicode form and look-alike
    letters of other scripts ignored. "James Snapp." == "james  snapp" == "James Snapp" written with
    a Cyrillic a (U+0430); "Jean-Luc" == "Jean Luc"; "O'Brien" == "OBrien". Accents count ("José" is not
    "Jose"), and so do initials ("J. Snapp" is not "James Snapp"): people.yml's aliases join those.
    A name of punctuation only keeps its spelling key, so "?" and "!" stay two names."""
    kept = "".join(ch for ch in _folded(name) if unicodedata.category(ch)[0] in _KEPT_IN_IDENTITY)
    return kept or "\x00" + spelling_key(name)


@functools.lru_cache(maxsize=65536)
def spelling_key(name: str) -> str:
    """What makes two spellings one tag: like ``identity_key`` but punctuation and symbols count
    ("C", "C#" and "C++" are three tags); spacing, case, invisible characters, Unicode form and
    look-alike letters do not."""
    return " ".join(_folded(name).split())


@functools.lru_cache(maxsize=65536)
def lookalike_trick(name: str) -> bool:
    """Whether ``name`` is written with characters that make it look like another spelling:
    invisible characters, compatibility forms (full-width letters) or letters of another script
    mixed into Latin words. Such a spelling is never chosen to title an entity's page."""
    if visible(name) != name or unicodedata.normalize("NFKC", name) != unicodedata.normalize("NFC", name):
        return True
    return any(any(_latin_look_alike(ch) for ch in word) and any(_is_latin(ch) for ch in word)
               for word in name.split())


def _is_latin(char: str) -> bool:
    if char.isascii():
        return char.isalpha()
    from confusable_homoglyphs import categories

    return bool(categories.alias(char) == "LATIN")


MAX_ID_LENGTH = 60  # a claim id (its file name and URL) at most this long


def claim_id_for(text: str, limit: int = MAX_ID_LENGTH) -> str:
    """The claim's slug, cut at a hyphen to at most ``limit`` characters."""
    slug = slugify(text)
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if "-" in slug[: limit + 1] else slug[:limit]
