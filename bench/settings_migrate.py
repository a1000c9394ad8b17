"""bench/settings_migrate.py: the bench settings with the throwaway tenant app bench.schema_change installed, for
the migration bench/migrate_many.py applies across every organisation."""

from bench.settings_bench import *  # noqa: F403
from bench.settings_bench import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.schema_change"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.schema_change"]
