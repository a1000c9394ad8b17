"""The Celery app. Tasks run in the schema of the organisation that queued them (tenant-schemas-celery)."""

import logging
import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings")

app = CeleryApp("delbar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger("delbar.celery")


def announce_mode() -> None:
    """Say at start-up whether tasks go to a broker or run inside the web process."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        log.warning("REDIS_URL is not set: Celery tasks run eagerly inside the calling process (no worker).")
    elif settings.EMBEDDED_REDIS:
        log.info("REDIS_URL is not set: Celery tasks go to the embedded Redis at %s.", settings.REDIS_URL)
    else:
        log.info("Celery tasks are sent to the broker at REDIS_URL.")


def _observe_tasks() -> None:
    """Count tasks for Prometheus; a worker started with CELERY_METRICS_PORT serves them (decision 0059)."""
    from celery.signals import worker_init

    from platform_.metrics import connect_celery_signals, serve_worker_metrics

    connect_celery_signals()

    @worker_init.connect(weak=False)
    def _serve(**kwargs):
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
        if folder:
            # Before the pool forks: samples of an earlier run of this container would add up with this one's.
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(folder, exist_ok=True)
        port = os.environ.get("CELERY_METRICS_PORT", "").strip()
        if port:
            serve_worker_metrics(int(port))


_observe_tasks()
