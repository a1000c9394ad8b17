"""Settings come from the environment; production refuses to start half-configured."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k, None) for k in ["
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'ALLOWED_HOSTS', 'CELERY_TASK_ALWAYS_EAGER', 'X_FRAME_OPTIONS']}))"
)


def _run(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {
        "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_DOMAIN", "DELBAR_ENV", "DELBAR_TESTING"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "platform_.settings"
    return subprocess.run([sys.executable, "-c", PRINT_SETTINGS], env=env, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_what_it_needs():
    result = _run({"DELBAR_ENV": "production", "SECRET_KEY": "s" * 50})
    assert result.returncode != 0
    assert "DATABASE_URL, REDIS_URL, PLATFORM_DOMAIN" in result.stderr


def test_production_turns_on_secure_cookies_hsts_and_headers():
    result = _run({
        "DELBAR_ENV": "production", "SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u@db.internal/delbar",
        "REDIS_URL": "redis://cache.internal:6379/0", "PLATFORM_DOMAIN": "delbar.se",
    })
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["delbar.se", ".delbar.se"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_without_redis_tasks_run_eagerly_and_the_log_says_so():
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DELBAR_TESTING"}}
    env["DJANGO_SETTINGS_MODULE"] = "platform_.settings"
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "REDIS_URL is not set: Celery tasks run eagerly" in result.stderr
