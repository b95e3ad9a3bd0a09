"""Take the README's screenshot of the form editor: docs/screenshots/editor.png.

Runs `factcheck editor`'s server on 127.0.0.1 against this repository's own site (read only:
nothing is saved) and opens one of its checks in Debian's Chromium through Playwright.
    PYTHONPATH=plugins python scripts/editor-screenshot.py [CLAIM_ID]
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from mkdocs_factcheck.tools import editor_local
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots" / "editor.png"


def main() -> int:
    claim_id = sys.argv[1] if len(sys.argv) > 1 else "deepseek-r1-built-in-two-months"
    server = editor_local.make_server(REPO / "mkdocs.yml", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.origin + editor_local.ADMIN)
            page.get_by_role("button", name="Login").click()
            page.goto(f"{server.origin}{editor_local.ADMIN}#/collections/claims/entries/{claim_id}")
            page.wait_for_timeout(4000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT), animations="disabled", caret="hide")
            browser.close()
    finally:
        server.shutdown()
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
