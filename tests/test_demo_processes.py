"""`make demo` runs the Procfile with honcho: web, worker and beat start together, and Ctrl-C leaves nothing behind.

The first test uses short-lived stand-ins (a sleeping process with a child of its own). The second runs the real
Procfile against the test database and Redis (REDIS_TEST_URL, by default database 14), on a free port.
"""

from __future__ import annotations

import os
import socket
import time

import pytest
from django.conf import settings

from tenants.models import PeriodicRun

from .conftest import subprocess_env
from .demo_processes import Honcho, alive, descendants

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ctrl_c_stops_every_process_and_their_children(tmp_path):
    # given three processes, one of which has a child of its own, run as make demo runs its Procfile
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "web: sleep 300\n"
        "worker: sh -c 'sleep 300 & wait'\n"
        "beat: exec sleep 300\n"
    )
    honcho = Honcho(procfile, dict(os.environ), tmp_path)
    try:
        for name in ("web", "worker", "beat"):
            assert honcho.wait_for(f"{name}.1 started", 20), honcho.output
        time.sleep(0.5)  # for the worker's shell to start its child
        running = descendants(honcho.process.pid)
        assert len(alive(running)) >= 4  # honcho's helpers, three commands, the worker's child

        # when Ctrl-C is pressed
        honcho.ctrl_c()

        # then nothing of it is left
        time.sleep(0.5)
        assert alive(running) == set(), honcho.output
    finally:
        honcho.kill()


@pytest.mark.worker
def test_the_demo_procfile_runs_web_worker_and_beat_and_ctrl_c_stops_them(tmp_path, django_db_setup,
                                                                          django_db_blocker):
    # given the project's Procfile, pointed at the test database, test Redis and a free port
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    port = free_port()
    env = subprocess_env(
        REDIS_URL=REDIS_URL, PLATFORM_PORT=str(port), BEAT_PIDFILE=str(tmp_path / "beat.pid"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat-schedule"),
    )
    honcho = Honcho(settings.BASE_DIR / "Procfile", env, settings.BASE_DIR)
    try:
        # when it starts
        started = honcho.wait_for("Delbar runs:", 120)

        # then it says that all three run, and prints the logins
        assert started, honcho.output[-5000:]
        assert f"web at http://localhost:{port}/, a Celery worker and Celery beat" in honcho.output
        assert "personal@ystad.example" in honcho.output
        running = descendants(honcho.process.pid)
        commands = honcho.output
        assert "Starting development server" in commands and "celery@" in commands and "beat: Starting" in commands

        # when Ctrl-C is pressed
        honcho.ctrl_c()

        # then every process it started has ended: the web server and its reloader, the worker and its pool, beat
        time.sleep(0.5)
        assert alive(running) == set(), honcho.output[-3000:]
        assert not (tmp_path / "beat.pid").exists()
    finally:
        honcho.kill()
        with django_db_blocker.unblock():
            PeriodicRun.objects.all().delete()  # daily jobs its dispatcher may have run in the test database
