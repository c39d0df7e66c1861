"""knotcrawl.spiders."""
