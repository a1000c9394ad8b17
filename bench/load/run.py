"""Proof under load: locust's simulated staff against gunicorn on loopback, production settings, bounded in time.

Seeds --organisations organisations (bench/load/seed.py: bench-load-001 ..., provisioned by cloning, each with
40 people and --listings listings, offers in the exchange, networks of ten; kept between runs in the database
delbar_bench_load), then serves them as production does: gunicorn with deploy/gunicorn.conf.py (2 × cores + 1
sync workers, at most 8) and DELBAR_ENV=production, with a Celery worker beside it (the outbox: posted listings'
copies in the exchange, notices of deals) and a Redis of its own. Production's cookies are Secure (__Host-), so
gunicorn serves HTTPS on 127.0.0.1 with a throwaway self-signed certificate made in a temporary folder; the static
files are collected there too (production's manifest storage needs them). What production needs from outside and
loopback has not is set by environment variables only: a random SECRET_KEY, PLATFORM_DOMAIN as the seeding had it
(localhost unless set; the organisations' hosts are sent as Host headers), e-mail to Django's dummy backend (no
mail server). As deployed (deploy/compose.yaml), one proxy is trusted (TRUSTED_PROXY_COUNT=1) and locust plays its
part, sending each simulated person's own address in X-Forwarded-For: the login rate limits count per person, not
all 50 as 127.0.0.1.

Locust then runs headless with --users simulated staff spread over the organisations (bench/load/locustfile.py:
browse, search, open a listing, reserve, post a listing with a photo, search the exchange, open another
organisation's offer and ask for it) for --minutes, and this prints errors, p50/p95 per page, requests per second
per core and the most database connections seen (sampled every second, gunicorn's and the worker's together), how
the posts ended (done, or refused and why), and the CPU time the served processes spent (gunicorn's workers, the
Celery worker, PostgreSQL's backends, from /proc: bench/load/cpu.py) per request: the rate the run reached is set by
locust's think time, the CPU per request says what the cores could serve.

    .venv/bin/python bench/load/run.py [--organisations 300] [--users 50] [--minutes 10] [--listings 40]
        [--locust /path/to/locust] [--seed-only] [--small]

Locust is not in the project's virtualenv (it brings gevent): `pip install -e ".[load]"` into another
virtualenv and pass --locust, or have `locust` on PATH. Set DATABASE_URL for a PostgreSQL server of your own
(otherwise the embedded one is used).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("BENCH_DATABASE", "delbar_bench_load")

from bench import _setup  # noqa: E402
from bench.load import cpu, seed, tls  # noqa: E402

SMALL = {"organisations": 3, "users": 3, "minutes": 0.25, "listings": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--listings", type=int, default=40, help="listings per organisation")
    parser.add_argument("--locust", default=shutil.which("locust") or "locust")
    parser.add_argument("--seed-only", action="store_true", help="seed the organisations, run nothing")
    parser.add_argument("--small", action="store_true", help=f"a run of seconds: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)

    folder = Path(tempfile.mkdtemp(prefix="delbar-load-"))
    try:
        measure(args, folder=folder)
    finally:
        from platform_ import embedded_redis

        embedded_redis.stop(data_dir=folder / "redis")
        shutil.rmtree(folder, ignore_errors=True)


def measure(args, *, folder: Path) -> None:
    from platform_ import embedded_redis

    # A Redis of the run's own, for the seeding (which queues nothing) and production's settings (which need one).
    os.environ["REDIS_URL"] = embedded_redis.redis_url(data_dir=folder / "redis")
    _setup.configure()
    from django.conf import settings

    started = time.perf_counter()
    slugs = seed.ensure_organisations(count=args.organisations, listings=args.listings)
    print(f"{len(slugs)} organisations ready in {time.perf_counter() - started:.0f} s.", flush=True)
    if args.seed_only:
        return
    from django.db import connection

    connection.close()  # only the served processes' connections are counted
    database = settings.DATABASES["default"]
    # The organisations' domains were made with the bench settings' PLATFORM_DOMAIN (localhost unless set).
    environment = production_environment(database, folder, domain=settings.PLATFORM_DOMAIN)
    run(args, slugs=slugs, database=database["NAME"], cores=os.cpu_count() or 1, folder=folder,
        environment=environment)


def production_environment(database: dict, folder: Path, *, domain: str) -> dict[str, str]:
    """The environment of production's settings for gunicorn and the worker, pointing at loopback's services."""
    url = os.environ.get("DATABASE_URL") or _database_url(database)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_.settings", "DELBAR_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": url, "DATABASE_NAME": database["NAME"],
        "PLATFORM_DOMAIN": domain, "DELBAR_ACCESSIBILITY_CONTACT": f"tillganglighet@{domain}",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "STATIC_ROOT": str(folder / "static"),
        # As the image sets them (deploy/Dockerfile): a JSON log line per request, metrics shared by the workers.
        "LOG_FORMAT": "json", "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        # As deploy/compose.yaml: one proxy in front, whose part (X-Forwarded-For, -Proto) locust plays.
        "TRUSTED_PROXY_COUNT": "1",
    }
    environment.pop("DELBAR_TESTING", None)
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                               cwd=PROJECT_DIR, env=environment, capture_output=True, text=True)
    if collected.returncode:
        sys.exit(f"collectstatic failed:\n{collected.stderr}")
    return environment


def _database_url(database: dict) -> str:
    """The embedded server's address as a URL (its socket folder as the host), for the production settings."""
    from urllib.parse import quote

    host = database.get("HOST") or database["OPTIONS"].get("host", "")
    return (f"postgres://{quote(database.get('USER') or '')}@{quote(host, safe='')}:{database.get('PORT') or 5432}"
            f"/{database['NAME']}")


def run(args, *, slugs: list[str], database: str, cores: int, folder: Path, environment: dict[str, str]) -> None:
    domain = environment["PLATFORM_DOMAIN"]
    certificate, key = tls.self_signed(folder=folder, hostnames=[domain, f"*.{domain}", "127.0.0.1"])
    port = _free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "platform_.wsgi",
         "--certfile", str(certificate), "--keyfile", str(key)],
        cwd=PROJECT_DIR, env={**environment, "HOST": "127.0.0.1", "PORT": str(port)},
        stderr=(folder / "gunicorn.log").open("w"),
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_", "worker", "--concurrency=1", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle"],
        cwd=PROJECT_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=(folder / "worker.log").open("w"),
    )
    photo, outcomes = folder / "photo.jpg", folder / "outcomes.json"
    _write_photo(photo)
    connections = Sampler(database)
    try:
        _wait_for(port)
        _warm_up(port, host=f"{slugs[0]}.{domain}")
        connections.start()
        started = {"web": cpu.tree_seconds(gunicorn.pid), "worker": cpu.tree_seconds(worker.pid),
                   "machine": cpu.machine_seconds()}
        print(f"Load: {args.users} simulated staff over {len(slugs)} organisations for {args.minutes:g} min against "
              f"gunicorn (production settings, HTTPS, deploy/gunicorn.conf.py, {cores} cores) on 127.0.0.1:{port}, "
              f"database {database}.", flush=True)
        locust = subprocess.Popen(
            [args.locust, "-f", str(Path(__file__).with_name("locustfile.py")), "--headless", "--only-summary",
             "--users", str(args.users), "--spawn-rate", str(max(args.users // 10, 1)),
             "--run-time", f"{max(int(args.minutes * 60), 10)}s", "--host", f"https://127.0.0.1:{port}",
             "--csv", str(folder / "load"), "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_ORGANISATIONS": ",".join(slugs), "LOAD_PASSWORD": seed.PASSWORD,
                 "LOAD_PLATFORM_DOMAIN": domain, "LOAD_PHOTO": str(photo), "LOAD_OUTCOMES": str(outcomes)},
            stdout=subprocess.DEVNULL,
        )
        locust_seconds = 0.0
        while locust.poll() is None:  # its CPU time, read while it runs (gevent: one process)
            locust_seconds = max(locust_seconds, cpu.tree_seconds(locust.pid))
            time.sleep(1)
        used = {"web": cpu.tree_seconds(gunicorn.pid) - started["web"],
                "worker": cpu.tree_seconds(worker.pid) - started["worker"]}
        machine = cpu.machine_seconds() - started["machine"]
    finally:
        connections.stop()
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            process.wait(timeout=60)
    used["PostgreSQL"] = connections.postgres_seconds()
    report(folder / "load_stats.csv", cores=cores, most_connections=connections.most, minutes=args.minutes,
           cpu_seconds=used)
    served = sum(used.values())
    other = max(machine - served - locust_seconds, 0)
    print(f"The machine's cores were busy {machine:.0f} s of {cores * args.minutes * 60:.0f}: the served processes "
          f"{served:.0f} s, locust {locust_seconds:.0f} s, anything else {other:.0f} s.")
    if outcomes.exists():
        ended = json.loads(outcomes.read_text())
        print("Posts: " + ", ".join(f"{name} {count}" for name, count in sorted(ended.items())))
    for log in ("gunicorn.log", "worker.log"):
        lines = (folder / log).read_text(errors="replace").splitlines()
        errors = [line for line in lines if '"level": "ERROR"' in line or " ERROR " in line or "Traceback" in line]
        print(f"{log}: {len(lines)} lines, {len(errors)} errors" + "".join(f"\n  {line[:3000]}" for line in errors[:5]))
    failures = folder / "load_failures.csv"
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print("\nErrors:\n" + failures.read_text())


def _write_photo(path: Path) -> None:
    """A phone-camera-like photo to post: 1600 × 1200 JPEG of noise over a gradient (it does not compress away)."""
    import random

    from PIL import Image, ImageFilter

    rng = random.Random(14)
    noise = Image.frombytes("RGB", (400, 300), bytes(rng.randrange(256) for _ in range(400 * 300 * 3)))
    image = Image.linear_gradient("L").convert("RGB").resize((1600, 1200))
    image = Image.blend(image, noise.resize((1600, 1200)).filter(ImageFilter.GaussianBlur(2)), 0.5)
    image.save(path, format="JPEG", quality=85)


def report(stats: Path, *, cores: int, most_connections: int, minutes: float, cpu_seconds: dict[str, float]) -> None:
    rows = list(csv.DictReader(stats.open()))
    table = []
    total = None
    for row in rows:
        line = [row["Name"], row["Request Count"], row["Failure Count"], row["50%"], row["95%"],
                f"{float(row['Requests/s']):.2f}"]
        if row["Name"] == "Aggregated":
            total = row
        else:
            table.append(line)
    print()
    print(_setup.table(["page", "requests", "errors", "p50 ms", "p95 ms", "requests/s"], table, align="lrrrrr"))
    if total:
        rps = float(total["Requests/s"])
        print()
        print(f"Result: {total['Request Count']} requests in {minutes:g} min, {total['Failure Count']} errors, "
              f"p50 {total['50%']} ms, p95 {total['95%']} ms, {rps:.1f} requests/s = {rps / cores:.1f} per core; "
              f"at most {most_connections} database connections.")
        requests = int(total["Request Count"]) or 1
        spent = sum(cpu_seconds.values())
        parts = ", ".join(f"{name} {seconds / requests * 1000:.0f} ms" for name, seconds in cpu_seconds.items())
        print(f"CPU: {spent:.0f} s over the run ({spent / (minutes * 60 * cores):.0%} of {cores} cores), "
              f"{spent / requests * 1000:.0f} ms per request ({parts}): CPU for {requests / spent:.1f} "
              f"requests/s per core of this mix, were the cores the server's alone.")


class Sampler(threading.Thread):
    """The most connections to the database seen, and the CPU time of the backends serving it, sampled every
    second (a backend's time from the first sample it is in, or from its start)."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database, self.most, self.stopping = database, 0, threading.Event()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sampled = False

    def run(self) -> None:
        from django.db import connection

        while True:
            finished = self.stopping.is_set()  # one sample more after stop(), for the backends' last seconds
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                               [self.database])
                pids = [row[0] for row in cursor.fetchall()]
            self.most = max(self.most, len(pids))
            for pid in pids:
                self.last[pid] = cpu.own_seconds(pid)
                # Backends there at the first sample count from then; later ones from their start.
                self.first.setdefault(pid, 0.0 if self.sampled else self.last[pid])
            self.sampled = True
            if finished:
                break
            self.stopping.wait(1)
        connection.close()

    def postgres_seconds(self) -> float:
        return sum(self.last[pid] - self.first.get(pid, 0.0) for pid in self.last)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def _warm_up(port: int, *, host: str) -> None:
    """A few dozen requests, several at a time, so that every worker has loaded its code and templates before the
    run is timed (production's workers are warm)."""
    import http.client
    import ssl
    from concurrent.futures import ThreadPoolExecutor

    context = ssl._create_unverified_context()  # loopback's self-signed certificate

    def fetch(path: str) -> None:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
        connection.request("GET", path, headers={"Host": host})
        connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, ["/konto/login/", "/sakerhet/"] * 16))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not listen within 60 s")


if __name__ == "__main__":
    main()
