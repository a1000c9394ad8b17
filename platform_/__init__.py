"""Delbar's project package: settings, URLs, ASGI/WSGI, Celery app, middleware and the platform console.

Named ``platform_`` because a package called ``platform`` would shadow Python's standard library module.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
