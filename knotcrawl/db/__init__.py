"""knotcrawl.db."""
