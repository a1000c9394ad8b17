"""Settings for bench/search.py: the bench settings (DEBUG off) with a URLconf that adds a bare view beside the
product's own pages, so both are served by the same process, middleware and database connection.

Parallel query is off for the bench's connections (unless BENCH_PARALLEL=1): the bench counts the CPU time of
its PostgreSQL backend, and a parallel worker's time would be missed. On 2 cores serving several requests at
once, parallel workers only take the core another request would use.
"""

import os

from bench.settings_bench import *  # noqa: F403
from bench.settings_bench import DATABASES

ROOT_URLCONF = "bench.urls_search"

if os.environ.get("BENCH_PARALLEL") != "1":
    _options = dict(DATABASES["default"].get("OPTIONS") or {})
    _options["options"] = (_options.get("options", "") + " -c max_parallel_workers_per_gather=0").strip()
    DATABASES = {"default": {**DATABASES["default"], "OPTIONS": _options}}
