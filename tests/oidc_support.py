"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a tiny Django project of its
own (tests/oidc_provider/), started as a process on a free port of 127.0.0.1 (decision 0056). Nothing of allauth or
Delbar is mocked: discovery, the login form, authorize, token, userinfo and JWKS are the provider's."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

RUN = Path(__file__).resolve().parent / "oidc_provider" / "run.py"
CLIENT_SECRET = "provider-test-secret-" + "s" * 24
PASSWORD = "provider-password-1"


@dataclass(frozen=True)
class Provider:
    issuer: str
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(data: Path, *, clients: list[dict], users: list[dict]):
    """Start the provider with these applications (client_id, redirect_uris; the secret is CLIENT_SECRET) and users
    (username, email, name, verified; the password is PASSWORD); stop it afterwards."""
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update({
        "OIDC_PROVIDER_DATA": str(data), "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_CLIENTS": json.dumps([{"client_secret": CLIENT_SECRET, **row} for row in clients]),
        "OIDC_PROVIDER_USERS": json.dumps([{"password": PASSWORD, **row} for row in users]),
    })
    log = open(data / "provider.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([sys.executable, str(RUN)], env=env, stdout=subprocess.PIPE, stderr=log)
    try:
        _wait_until_ready(process, data / "provider.log")
        provider = Provider(issuer=f"http://127.0.0.1:{port}/o", port=port)
        requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=10).raise_for_status()
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_ready(process, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready and b"READY" in process.stdout.readline():
            return
        if process.poll() is not None:
            break
    raise RuntimeError(f"the test OpenID Connect provider did not start:\n{log.read_text()}")
