"""``factcheck editor``: the form editor served on 127.0.0.1 against this checkout
(``tools.editor_local``), until Ctrl+C."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..base.errors import SiteError
from ..output import editor
from ..tools.editor_local import ADMIN, make_server

DESCRIPTION = ("Serve the form editor on 127.0.0.1, reading and writing the claim files of this "
               "checkout. Commit and push what it saves as usual.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8081, help="the port on 127.0.0.1 (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    try:
        server = make_server(Path(args.config_file), args.port)
    except OSError as exc:
        raise SiteError(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); choose another --port") from None
    except editor.EditorOptionError as exc:
        raise SiteError(str(exc)) from None
    print(f"factcheck editor: {server.origin}{ADMIN} (the claims of {server.backend.root}; Ctrl+C stops it)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0
