"""Production settings under gunicorn, as the image runs them, against the test database and Redis (decision 0059):
an organisation's page, readiness on a pod's address, the metrics of every worker process added up, JSON logs.

Only the HTTPS of the proxy in front is stood in for: requests carry the X-Forwarded-Proto header Caddy or the
ingress controller sets.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from .conftest import subprocess_env
from .demo_processes import CollectedProcess
from .deploy_support import ROOT
from .outbox_support import free_port

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
TOKEN = "gunicorn-test-metrics-token"


class Gunicorn(CollectedProcess):
    def __init__(self, env: dict[str, str]) -> None:
        self.port = int(env["PORT"])
        super().__init__([sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "platform_.wsgi"],
                         env, ROOT)

    def get(self, path: str, host: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        connection.request("GET", path, headers={"Host": host, **headers})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def wait_until_live(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + "\n".join(self.lines))
            try:
                if self.get("/healthz/live", "10.0.0.1").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail("gunicorn did not answer:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, tmp_path_factory):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it, or set REDIS_TEST_URL")
    folder = tmp_path_factory.mktemp("production")
    # as in the image, whose user has no home to write in
    no_home = folder / "no-home"
    no_home.write_text("")
    env = subprocess_env(
        DELBAR_ENV="production", SECRET_KEY="production-test-" + "s" * 40, DATABASE_URL=settings.DATABASE_URL,
        REDIS_URL=REDIS_URL, PLATFORM_DOMAIN="localhost", DELBAR_ACCESSIBILITY_CONTACT="a11y@delbar.example",
        STATIC_ROOT=str(folder / "static"), PROMETHEUS_MULTIPROC_DIR=str(folder / "prometheus"),
        LOG_FORMAT="json", METRICS_TOKEN=TOKEN, PORT=str(free_port()), HOST="127.0.0.1", WEB_CONCURRENCY="2",
        GUNICORN_GRACEFUL_TIMEOUT="5", SENTRY_DSN="", HOME=str(no_home),
    )
    env.pop("DELBAR_TESTING")
    # as the image's build does: hashed static files, WhiteNoise's manifest
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=120)
    server = Gunicorn(env)
    try:
        server.wait_until_live(60)
        yield server
    finally:
        server.stop()


HTTPS = {"X-Forwarded-Proto": "https"}


def test_an_organisation_page_is_served_under_production_settings(gunicorn):
    # when Ystad's login page is asked for through the proxy
    response = gunicorn.get("/konto/login/", "ystad.localhost", **HTTPS, **{"X-Request-ID": "probe-1"})

    # then it is served, with production's headers and cookies, and the request's id
    assert response.status == 200, response.body[:500]
    assert b"Ystad" in response.body
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert "__Host-delbar_csrf" in (response.getheader("Set-Cookie") or "")
    assert response.getheader("X-Request-ID") == "probe-1"
    # and its hashed static files are served by WhiteNoise
    css = next(part.split('"')[0] for part in response.body.decode().split('href="/static/')[1:] if ".css" in part)
    assert gunicorn.get(f"/static/{css}", "ystad.localhost", **HTTPS).status == 200


def test_plain_http_is_sent_to_https(gunicorn):
    response = gunicorn.get("/konto/login/", "ystad.localhost")
    assert response.status == 301
    assert response.getheader("Location") == "https://ystad.localhost/konto/login/"


def test_readiness_answers_on_a_pods_address_over_plain_http(gunicorn):
    response = gunicorn.get("/healthz/ready", "10.42.0.17:8000")
    body = json.loads(response.body)
    assert response.status == 200, body
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["redis"]["detail"] == "answers" and body["checks"]["broker"]["detail"] == "answers"


def test_metrics_add_up_every_worker_and_logs_are_json(gunicorn):
    # given requests served by whichever of the two workers
    for number in range(6):
        gunicorn.get("/konto/login/", "ystad.localhost", **HTTPS, **{"X-Request-ID": f"count-{number}"})

    # when Prometheus scrapes one of them
    response = gunicorn.get("/metrics", "10.42.0.17:8000", Authorization=f"Bearer {TOKEN}")

    # then the counts are every worker's together
    assert response.status == 200
    lines = response.body.decode().splitlines()
    counted = [line for line in lines if line.startswith("delbar_http_organisation_requests_total{")
               and 'organisation="ystad"' in line and 'status_class="2xx"' in line]
    assert counted and float(counted[0].split()[-1]) >= 6
    assert any(line.startswith("delbar_outbox_pending_messages ") for line in lines)
    # and every log line is JSON (gunicorn's own too), a request's with its organisation and id
    assert gunicorn.lines and all(line.startswith("{") for line in gunicorn.lines), gunicorn.lines[:5]
    logged = [json.loads(line) for line in gunicorn.lines]
    assert any(entry["logger"] == "gunicorn.error" and "Booting worker" in entry["message"] for entry in logged)
    assert [entry["message"] for entry in logged if entry["level"] == "ERROR"] == []
    requests = [entry for entry in logged if entry.get("logger") == "delbar.request"]
    assert {"count-0", "count-5"} <= {entry["request_id"] for entry in requests}
    assert {entry["organisation"] for entry in requests if entry["request_id"].startswith("count-")} == {"ystad"}
