"""knotcrawl.replica."""
