"""One module per ``knotcrawl`` command; see :mod:`knotcrawl.cli`."""
