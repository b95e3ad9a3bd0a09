"""Where each generated page lives, and relative links between pages.

Source paths mirror MkDocs' docs-folder paths (``claims/<id>.md``); URLs
follow ``use_directory_urls`` the way MkDocs does, so links computed here match
the files MkDocs writes.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


def claim_src(claim_id: str) -> str:
    return f"claims/{claim_id}.md"


def paged_src(first: str, number: int) -> str:
    """Page ``number`` of a list whose first page is ``first``: page 1 is ``first`` itself, later
    pages are ``page/<n>`` inside the folder of its URL (claims/index.md -> claims/page/2.md,
    claimants/<slug>.md -> claimants/<slug>/page/2.md). A slug is one path segment, so a later
    page is never another name's page: the claimant "Page" is claimants/page/, its page 2
    claimants/page/page/2/."""
    if number == 1:
        return first
    stem = first[: -len(".md")]
    return f"{stem.removesuffix('/index')}/page/{number}.md"


def claims_page_src(number: int) -> str:
    """Page 1 of the claims list is the claims index; later pages live under claims/page/."""
    return paged_src(CLAIMS_INDEX, number)


def sources_page_src(number: int) -> str:
    """Page 1 of the sources list is the sources index; later pages live under sources/page/."""
    return paged_src(SOURCES_INDEX, number)


def claimant_src(slug: str, number: int = 1) -> str:
    """A claimant's page (``number``: of their list of checks, under claimants/<slug>/page/)."""
    return paged_src(f"claimants/{slug}.md", number)


def expert_src(slug: str, number: int = 1) -> str:
    return paged_src(f"experts/{slug}.md", number)


def tag_src(slug: str, number: int = 1) -> str:
    return paged_src(f"tags/{slug}.md", number)


def corrections_log_src(number: int) -> str:
    """Page 1 of the corrections log, later pages under corrections-log/page/."""
    return paged_src(CORRECTIONS_LOG, number)


CLAIMS_INDEX = "claims/index.md"
CORRECTIONS_LOG = "corrections-log/index.md"
CORRECTIONS_FEED = "corrections.xml"
CLAIMS_DIRECTORY = "claims-index.json"
SCOREBOARD = "scoreboard.md"
CLAIMANTS_INDEX = "claimants/index.md"
EXPERTS_INDEX = "experts/index.md"
TAGS_INDEX = "tags/index.md"
SOURCES_INDEX = "sources/index.md"
FEED = "feed.xml"
EXPORT_JSON = "claims.json"
EXPORT_CSV = "claims.csv"
STYLESHEET = "assets/factcheck/factcheck.css"
SCRIPT = "assets/factcheck/factcheck.js"


# Claim ids are URL segments under claims/; these name a generated page or file there or
# at the site's root (whatever use_directory_urls is), so no claim may have them.
RESERVED_IDS = frozenset({
    "index", "page", "claims", "claims-index", "feed", "scoreboard", "claimants", "experts", "tags",
    "sources", "assets", "search", "sitemap", "404", "corrections-log",
})
# `claims/<id>.html` (use_directory_urls: false) must stay a legal file name (255 bytes).
MAX_ID_LENGTH = 100
# Names Windows reserves for devices, whatever the extension (`con.html`, `nul/index.html`):
# a checkout or a copy of the built site on Windows cannot hold a file or folder so named.
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                                  *(f"lpt{n}" for n in range(1, 10))})


def is_device_name(name: str) -> bool:
    """Whether Windows reads the file or folder ``name`` as a device (``CON``, ``nul.txt``, ``com1.md``)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICE_NAMES


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """'claims/x.md' -> 'claims/x/' (or 'claims/x.html'); other files keep their path."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


@dataclass(frozen=True)
class Links:
    """Relative URLs from one page to others (and absolute ones, given a site_url)."""

    here: str  # URL of the current page, relative to the site root
    use_directory_urls: bool = True
    site_url: str = ""

    def __post_init__(self) -> None:
        # A page links to thousands of others: where it stands is worked out once, and each
        # link once (a listing links its claimants' and tags' pages on every row).
        object.__setattr__(self, "_up", _parts(_folder(self.here)))
        object.__setattr__(self, "_made", {})

    def to(self, src_uri: str) -> str:
        made: dict[str, str] = self._made  # type: ignore[attr-defined]
        found = made.get(src_uri)
        if found is None:
            target = page_url(src_uri, self.use_directory_urls)
            found = made[src_uri] = _relative(target, self._up, self.here)  # type: ignore[attr-defined]
        return found

    def absolute(self, src_uri: str) -> str:
        return absolute_url(self.site_url, page_url(src_uri, self.use_directory_urls))

    def claim(self, claim_id: str) -> str:
        return self.to(claim_src(claim_id))

    def claimant(self, slug: str) -> str:
        return self.to(claimant_src(slug))

    def expert(self, slug: str) -> str:
        return self.to(expert_src(slug))

    def tag(self, slug: str) -> str:
        return self.to(tag_src(slug))


def relative_url(target: str, here: str) -> str:
    """The link from the page at URL ``here`` to the site path ``target`` (both relative to
    the site's root), as ``posixpath.relpath`` gives it, keeping a folder's trailing slash.
    Listings make tens of thousands of these a build: path segments are compared directly."""
    return _relative(target, _parts(_folder(here)), here)


def _folder(here: str) -> str:
    return here if here.endswith("/") or not here else here.rpartition("/")[0] + "/"


def _parts(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _relative(target: str, up: list[str], here: str) -> str:
    """``relative_url`` from the folder of ``here``, whose parts are ``up``."""
    if not up:
        return target or "./"
    down = _parts(target)
    if "." in up or ".." in up or "." in down or ".." in down:  # never in page URLs; relpath normalises them
        relative = posixpath.relpath("/" + target, "/" + _folder(here))
    else:
        shared = 0
        for mine, theirs in zip(up, down, strict=False):
            if mine != theirs:
                break
            shared += 1
        relative = "/".join([".."] * (len(up) - shared) + down[shared:]) or "."
    if (not target or target.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative


def absolute_url(site_url: str, path: str) -> str:
    """The page's full URL when the site's address is known, else its root-relative path."""
    if not site_url:
        return "/" + path
    return site_url.rstrip("/") + "/" + path
