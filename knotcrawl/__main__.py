"""``python -m knotcrawl``: the same command line as ``knotcrawl``."""

import sys

from knotcrawl.cli import main

sys.exit(main())
