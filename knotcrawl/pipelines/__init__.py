"""knotcrawl.pipelines."""
