"""A private PgBouncer (Debian's package) in front of the machine's PostgreSQL, for the pooling tests.

Its configuration lives in a temporary folder; clients are trusted (loopback only, the user list names the test
database's user) and PgBouncer reaches PostgreSQL with the test settings' host, port and user.
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Pooler:
    port: int
    pool_mode: str
    folder: Path

    def settings_dict(self, base: dict, *, backend_pool_mode: str | None = None) -> dict:
        """The database settings of ``base`` pointed at this pooler. ``backend_pool_mode`` is what Delbar is told
        (by default the truth), so a test can also show what happens when it is told wrong."""
        pooled = copy.deepcopy(base)
        pooled["OPTIONS"] = {key: value for key, value in pooled.get("OPTIONS", {}).items() if key != "host"}
        pooled.update(HOST="127.0.0.1", PORT=self.port, POOL_MODE=backend_pool_mode or self.pool_mode,
                      CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=False,
                      DISABLE_SERVER_SIDE_CURSORS=(backend_pool_mode or self.pool_mode) == "transaction")
        return pooled


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_pgbouncer(*, database: dict, pool_mode: str, pool_size: int = 3, max_clients: int = 100) -> tuple:
    """Start PgBouncer; returns (Pooler, process). The caller stops it with stop_pgbouncer()."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        # CI must run these (.ci/run installs PgBouncer); a developer's machine without it skips, saying why.
        message = "PgBouncer is not installed: apt-get install pgbouncer (.ci/run does it)"
        if os.environ.get("CI"):
            raise RuntimeError(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="delbar-pgbouncer-"))
    folder.chmod(0o777)  # PgBouncer refuses to run as root; started by root it becomes `postgres` and writes here
    port = _free_port()
    user = database.get("USER") or "postgres"
    # The embedded server's URL names a socket folder in OPTIONS (postgresql://…@/delbar?host=/path).
    host = database.get("HOST") or (database.get("OPTIONS") or {}).get("host") or "127.0.0.1"
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    lines = [
        "[databases]",
        f"* = host={host} port={database.get('PORT') or 5432}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'userlist.txt'}",
        f"pool_mode = {pool_mode}",
        f"default_pool_size = {pool_size}",
        "min_pool_size = 0",
        "reserve_pool_size = 0",
        f"max_client_conn = {max_clients}",
        "server_reset_query = DISCARD ALL",
        "ignore_startup_parameters = extra_float_digits,options",
        f"logfile = {folder / 'pgbouncer.log'}",
        f"pidfile = {folder / 'pgbouncer.pid'}",
    ]
    if os.geteuid() == 0:
        # PgBouncer refuses root. A socket folder is reachable by its owner (the embedded server's `pgserver`).
        lines.append(f"user = {Path(host).owner() if host.startswith('/') else 'postgres'}")
    (folder / "pgbouncer.ini").write_text("\n".join(lines) + "\n")
    for path in folder.iterdir():
        path.chmod(0o644)
    process = subprocess.Popen([binary, "-q", str(folder / "pgbouncer.ini")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
            raise RuntimeError(f"PgBouncer stopped: {process.stderr.read().decode()} {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("PgBouncer did not listen within 10 s")
    return Pooler(port=port, pool_mode=pool_mode, folder=folder), process


def stop_pgbouncer(process: subprocess.Popen, folder: Path) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)
