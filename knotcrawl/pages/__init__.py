"""knotcrawl.pages."""
