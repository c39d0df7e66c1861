"""knotcrawl: a crawler and archive for the Caucasian Knot news agency."""

__version__ = "0.1.0"
