"""Settings for bench/exchange_search.py: those of bench/search.py (DEBUG off, parallel query off unless
BENCH_PARALLEL=1), with Celery's broker in memory.

Every edit of a shared listing queues a relay for its schema when its transaction commits (outbox.services); the
bench runs the relay itself, in processes of its own that call outbox.services.deliver_due as the Celery task does,
so the queued relays go to an in-memory broker that nobody reads, instead of piling up in a Redis.
"""

from bench.settings_search import *  # noqa: F403

CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = False
