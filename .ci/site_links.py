"""Every internal link of a built site resolves: `python site_links.py SITE_DIR [SITE_URL]`.

Reads each HTML page (stdlib only, so any venv runs it); a link is internal when it has no
scheme, or starts with SITE_URL. Prints each broken one and exits 1; else prints the count.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and tag in ("a", "link", "script", "img"):
                self.found.append(value)


def broken(site: Path, site_url: str = "") -> tuple[int, list[str]]:
    checked, problems = 0, []
    for page in sorted(site.rglob("*.html")):
        here = page.relative_to(site).as_posix()
        if here == "404.html" or here.startswith("assets/"):  # 404's links are written for any URL
            continue
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            if site_url and link.startswith(site_url):
                link = "/" + link[len(site_url):]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#") or not parts.path:
                continue
            path = unquote(urlsplit(urljoin("https://x/" + here, parts.path)).path).lstrip("/")
            target = site / path
            if path.endswith("/") or not path or target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                problems.append(f"{here}: {link} -> {path or '/'} is missing")
    return checked, problems


if __name__ == "__main__":
    count, found = broken(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
    print("\n".join(found) or f"{sys.argv[1]}: {count} internal links, none broken")
    sys.exit(1 if found or not count else 0)
