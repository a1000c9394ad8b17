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
    assert "DATABASE_URL, REDIS_URL, PLATFORM_DOMAIN, DELBAR_ACCESSIBILITY_CONTACT" in result.stderr


def test_production_turns_on_secure_cookies_hsts_and_headers():
    result = _run({
        "DELBAR_ENV": "production", "SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u@db.internal/delbar",
        "REDIS_URL": "redis://cache.internal:6379/0", "PLATFORM_DOMAIN": "delbar.se",
        "DELBAR_ACCESSIBILITY_CONTACT": "tillganglighet@delbar.se",
    })
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["delbar.se", ".delbar.se"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_without_redis_outside_the_tests_an_embedded_redis_is_the_broker_and_the_log_says_so(tmp_path):
    # given no REDIS_URL, not under test, and a folder of the test's own for the embedded Redis
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DELBAR_TESTING"}}
    env.update(DJANGO_SETTINGS_MODULE="platform_.settings", EMBEDDED_REDIS_DIR=str(tmp_path / "redisdata"))
    print_broker = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL == settings.REDIS_URL)"
    )
    try:
        # when a process starts
        result = subprocess.run([sys.executable, "-c", print_broker], env=env, cwd=settings.BASE_DIR,
                                capture_output=True, text=True, timeout=60)

        # then tasks go to the embedded Redis, not eagerly, and the log says where
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "False True"
        assert "REDIS_URL is not set: Celery tasks go to the embedded Redis at redis://127.0.0.1:" in result.stderr
    finally:
        from platform_ import embedded_redis

        embedded_redis.stop(data_dir=tmp_path / "redisdata")


def test_under_test_without_redis_tasks_run_eagerly():
    # given no REDIS_URL under test (and the tests' own database server, if one is named)
    result = _run({"DELBAR_TESTING": "1", **{k: v for k, v in os.environ.items() if k == "DATABASE_URL"}})

    # then tasks run in the calling process
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["CELERY_TASK_ALWAYS_EAGER"] is True
