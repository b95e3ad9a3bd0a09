"""`python -m mkdocs_factcheck.cli`: the `factcheck` command, as `python -m mkdocs_factcheck` is."""

import sys

from . import main

sys.exit(main())
