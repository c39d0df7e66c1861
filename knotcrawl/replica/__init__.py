"""The replica of both Caucasian Knot sites: generated pages, an HTTP server, faults, truth.

```python
from knotcrawl.replica import Replica, ReplicaConfig, serve_in_thread, MARKUPS
rep = Replica(ReplicaConfig(seed=1, articles=300))
rep.respond("GET", "www.eng.kavkaz-uzel.eu", "/articles/12345")  # -> Response
rep.truth("en")                                                # -> Iterator[ArticleRecord]
with serve_in_thread(ReplicaConfig()) as server:
    server.proxy_url, server.base_url("en")
```
"""

from . import dates
from .config import DEFAULT_NOW, FaultRule, ReplicaConfig
from .markups import ARTICLE_MARKUPS, LISTING_MARKUPS, MARKUPS
from .server import ReplicaServer, serve_in_thread
from .site import CANONICAL_HOST, HOSTS, LISTINGS, Replica, Response, host_info

__all__ = [
    "ARTICLE_MARKUPS",
    "CANONICAL_HOST",
    "DEFAULT_NOW",
    "HOSTS",
    "LISTINGS",
    "LISTING_MARKUPS",
    "MARKUPS",
    "FaultRule",
    "Replica",
    "ReplicaConfig",
    "ReplicaServer",
    "Response",
    "dates",
    "host_info",
    "serve_in_thread",
]
