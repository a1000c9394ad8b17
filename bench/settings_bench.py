"""Settings for the benchmarks: the project's settings, with the few changes a benchmark needs.

Always: DEBUG off (as in production, so Django does not keep a log of every query) and no start-up chatter.
``BENCH_CONFIG`` (set by bench/tenancy_overhead.py for its child processes) picks the request-handling stack:

* ``delbar`` – our OrganisationMiddleware and backend (platform_.db, TENANT_LIMIT_SET_CALLS=True), as in production;
* ``stock``  – django-tenants' TenantMainMiddleware and backend, with TENANT_LIMIT_SET_CALLS=False (its default);
* ``none``   – no tenancy: no tenant middleware and Django's own PostgreSQL backend (public schema only).

With any BENCH_CONFIG the URLconf is bench/urls_bench.py, for organisation hosts and the public host alike.
The database is chosen by DATABASE_NAME, which bench/_setup.py sets to delbar_bench.
"""

import os

from platform_.settings import *  # noqa: F403
from platform_.settings import DATABASES, LOGGING, MIDDLEWARE

DEBUG = False

LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "delbar.celery": {"level": "ERROR"},  # "tasks run eagerly", at every start
        "delbar.provisioning": {"level": "WARNING"},  # "organisation ... is active", for every one provisioned
    },
}

BENCH_CONFIG = os.environ.get("BENCH_CONFIG", "").strip()
_OURS = "platform_.middleware.OrganisationMiddleware"
_STOCK = "django_tenants.middleware.main.TenantMainMiddleware"

if BENCH_CONFIG:
    ROOT_URLCONF = "bench.urls_bench"
    PUBLIC_SCHEMA_URLCONF = "bench.urls_bench"
    # Tenant middleware at the place ours has in production; the others in the same order around it.
    _without_tenancy = [name for name in MIDDLEWARE if name != _OURS]
    if BENCH_CONFIG == "delbar":
        MIDDLEWARE = list(MIDDLEWARE)
        DATABASES = {"default": {**DATABASES["default"], "ENGINE": "platform_.db"}}
        TENANT_LIMIT_SET_CALLS = True
    elif BENCH_CONFIG == "stock":
        MIDDLEWARE = [_STOCK if name == _OURS else name for name in MIDDLEWARE]
        DATABASES = {"default": {**DATABASES["default"], "ENGINE": "django_tenants.postgresql_backend"}}
        TENANT_LIMIT_SET_CALLS = False
    elif BENCH_CONFIG == "none":
        MIDDLEWARE = _without_tenancy
        DATABASES = {"default": {**DATABASES["default"], "ENGINE": "django.db.backends.postgresql"}}
    else:
        raise ValueError(f"Unknown BENCH_CONFIG {BENCH_CONFIG!r}; use delbar, stock or none")
