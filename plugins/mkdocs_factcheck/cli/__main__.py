"""`python -m mkdocs_factcheck.cli`: the `factcheck` command, as before the CLI became a package."""

import sys

from . import main

sys.exit(main())
