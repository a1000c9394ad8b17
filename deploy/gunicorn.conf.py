"""gunicorn for Delbar (decision 0059): `gunicorn -c deploy/gunicorn.conf.py platform_.wsgi`.

Every setting can be changed by the environment (GUNICORN_CMD_ARGS, or the variables below). Requests are logged by
Django (LOG_REQUESTS, with the request id and organisation), so gunicorn's access log is off. Prometheus samples of
every worker go to PROMETHEUS_MULTIPROC_DIR, emptied at start and cleaned of a dead worker's files.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# Sync workers: Django's ORM and the schema switch are per thread of a process; 2 per core + 1, at most 8 by default.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they do not all restart together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The reverse proxy in front (Caddy, an ingress controller) is the only client; it sets X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Heartbeat files in memory, not on a container's overlay disk (a read-only root file system has none).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if Path("/dev/shm").is_dir() else None)
# gunicorn 25.1+ opens a control socket (for gunicornc) in $HOME/.gunicorn by default; the image's user has no home
# to write in, so it only logged an error at every start. Nothing here uses it.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "delbar-web"

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines (start, worker boot and timeout) as JSON too, like the app's (platform_/request_log.py).
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "platform_.request_log.DelbarJsonFormatter"}},
        "filters": {"request": {"()": "platform_.request_log.RequestContextFilter"}},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"],
                              "stream": "ext://sys.stderr"},
        },
        "root": {"handlers": [], "level": "WARNING"},  # Django's LOGGING sets the root logger up in each worker
        "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False}},
    }


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        # Samples of an earlier run of this container would add up with this one's.
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
