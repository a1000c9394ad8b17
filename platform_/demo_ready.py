"""Say when the demo's web server, Celery worker and Celery beat all run, and print the logins (``make demo``).

Run by honcho as the Procfile's ``ready`` process, next to the three it watches: the web server answers HTTP, the
worker answers a Celery ping, beat's pid file names a live process. It then waits quietly until honcho stops it
with the others.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPORT_EVERY_SECONDS = 30.0


def web_answers(port: str) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    except urllib.error.HTTPError:
        return True  # any answer at all means it serves
    except OSError:
        return False
    return True


def worker_answers() -> bool:
    from platform_.celery import app

    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:  # the broker is not reachable yet
        return False


def beat_runs(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def login_lines(port: str) -> list[str]:
    from django.conf import settings

    from demo.world import DEMO_ORGANISATIONS, DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET

    suffix = f":{port}" if port else ""
    lines = [f"Logins (password for all: {DEMO_PASSWORD}):"]
    for demo in DEMO_ORGANISATIONS:
        # An organisation's host is <slug>.<PLATFORM_DOMAIN> (tenants.services.domain_for).
        url = f"http://{demo.details.slug}.{settings.PLATFORM_DOMAIN}{suffix}/"
        for person in demo.people:
            lines.append(f"  {url:<36} {demo.email(person):<28} {person.role.label}")
    console = f"http://{settings.PLATFORM_DOMAIN}{suffix}/konsol/"
    lines.append(f"  {console:<36} {PLATFORM_ADMIN_EMAIL:<28} platform admin")
    lines.append(f"  (the platform admin's authenticator app secret: {PLATFORM_ADMIN_TOTP_SECRET})")
    lines.append("  In the console, Organisationer shows each organisation's plan and billing state, and an "
                 "organisation's page its invoices with their PDF and Peppol XML (as seeded: Ystad has paid, "
                 "Trelleborg has an invoice to pay, Tomelilla is on trial); Planer lists the prices.")
    return lines


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings")
    django.setup()
    from django.conf import settings

    port = settings.PLATFORM_PORT or "80"
    pidfile = Path(os.environ.get("BEAT_PIDFILE", settings.BASE_DIR / "var" / "celerybeat.pid"))
    checks = {"web": lambda: web_answers(port), "worker": worker_answers, "beat": lambda: beat_runs(pidfile)}
    waiting = set(checks)
    started = last_report = time.monotonic()
    while waiting:
        waiting = {name for name in waiting if not checks[name]()}
        if waiting and time.monotonic() - last_report > REPORT_EVERY_SECONDS:
            print(f"Still starting after {time.monotonic() - started:.0f} s: {', '.join(sorted(waiting))}", flush=True)
            last_report = time.monotonic()
        if waiting:
            time.sleep(0.5)
    broker = f"the embedded Redis at {settings.REDIS_URL}" if settings.EMBEDDED_REDIS else "the Redis at REDIS_URL"
    print(
        f"Delbar runs: web at http://{settings.PLATFORM_DOMAIN}:{port}/, a Celery worker and Celery beat, "
        f"with {broker}. Ctrl-C stops all three.",
        *login_lines(settings.PLATFORM_PORT),
        sep="\n", flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
