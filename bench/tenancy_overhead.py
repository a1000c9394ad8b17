"""What tenancy costs per request.

Measures: the time Django takes to serve one trivial request (a view that runs one small query,
``accounts.User.objects.count()``) through the project's full middleware stack, in three configurations, each in
its own process (the database backend is chosen when settings load):

* delbar – our OrganisationMiddleware (host lookup cached per process) and our backend (platform_.db), which
  issues SET search_path only when the schema changes; request to the organisation host bench-org.localhost;
* stock  – django-tenants' TenantMainMiddleware (one domain query per request) and backend, with
  TENANT_LIMIT_SET_CALLS=False (a SET search_path before every query); same organisation host;
* none   – no tenancy: no tenant middleware and Django's own PostgreSQL backend; request to localhost (public).

Requests are driven in-process through Django's WSGI handler (what a WSGI server calls), so the figures are
Django + database round trips, without HTTP parsing. Each round runs every configuration once, each in a fresh
process (warm-up, then the timed requests), in a rotating order; the report gives the per-request median and
95th percentile over all rounds in microseconds, the spread of the rounds' medians, the overhead of delbar and
stock over no tenancy, and the number of SQL statements per request (counted over a few requests after the
warm-up). Differences of a few tens of microseconds between processes are noise on a busy machine.

Goal: delbar adds at most 0.15 ms per request over no tenancy, and runs exactly 1 statement per request (the
view's own query) once warm.

    .venv/bin/python bench/tenancy_overhead.py [--rounds 5] [--requests 2000] [--warmup 500] [--small]

Uses the database delbar_bench (see bench/_setup.py) and the organisation bench-org, which it provisions.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

CONFIGS = {
    "none": "no tenancy: plain Django backend, no tenant middleware (public schema)",
    "delbar": "OrganisationMiddleware + platform_.db, TENANT_LIMIT_SET_CALLS=True",
    "stock": "TenantMainMiddleware + django_tenants backend, TENANT_LIMIT_SET_CALLS=False",
}
ORG_SLUG = "bench-org"
ORG_NUMBER_SERIAL = 90_000
ORG_USERS = 2  # users created in bench-org's schema, so that its count differs from the public schema's
GOAL_MS = 0.15
PATH = "/bench/"
SMALL = {"rounds": 1, "requests": 30, "warmup": 10, "capture": 5}  # --small: seconds, for tests/test_bench.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds; each runs every configuration once, in a fresh process (default 5)")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per process (default 2000)")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests per process first (default 500)")
    parser.add_argument("--capture", type=int, default=20, help="requests whose SQL is counted (default 20)")
    parser.add_argument("--config", choices=sorted(CONFIGS), help=argparse.SUPPRESS)  # the child process's job
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)
    if args.config:
        child(args)
    else:
        parent(args)


# ---------------------------------------------------------------------------------------------- parent


def parent(args) -> None:
    _setup.configure()
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.models import User

    organisation = _setup.provision(
        slug=ORG_SLUG, name="Bench Organisation", number=_setup.organisation_number(ORG_NUMBER_SERIAL)
    )
    with schema_context(organisation.schema_name):
        for n in range(1, ORG_USERS + 1):
            email = f"bench-{n}@{ORG_SLUG}.example"
            if not User.objects.filter(email=email).exists():
                User.objects.create_user(email, None, full_name=f"Bench {n}")
        org_users = User.objects.count()
    connection.set_schema_to_public()
    public_users = User.objects.count()
    org_host = f"{ORG_SLUG}.{settings.PLATFORM_DOMAIN}"
    public_host = settings.PLATFORM_DOMAIN
    connection.close()

    print(
        f"Tenancy overhead per request: {args.rounds} rounds x {args.requests} requests after {args.warmup} warm-up, "
        f"GET {PATH} (one COUNT query), database {settings.DATABASES['default']['NAME']}.",
        flush=True,
    )
    names = list(CONFIGS)
    timings: dict[str, list[float]] = {name: [] for name in names}
    round_medians: dict[str, list[float]] = {name: [] for name in names}
    first: dict[str, dict] = {}
    for round_number in range(args.rounds):
        # Each round runs every configuration once, each in a fresh process, in a rotating order, so that drift
        # in the machine's speed and differences between processes spread evenly over the configurations.
        order = names[round_number % len(names):] + names[:round_number % len(names)]
        print(f"  round {round_number + 1}/{args.rounds}: " + ", ".join(order), flush=True)
        for name in order:
            host = public_host if name == "none" else org_host
            command = [
                sys.executable, str(Path(__file__).resolve()), "--config", name, "--requests", str(args.requests),
                "--warmup", str(args.warmup), "--capture", str(args.capture),
            ]
            env = {**os.environ, "BENCH_CONFIG": name, "BENCH_HOST": host}
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
            if done.returncode != 0:
                sys.exit(f"The {name} run failed (exit status {done.returncode}); see its output above.")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            first.setdefault(name, result)
            timings[name].extend(result["timings_us"])
            round_medians[name].append(_setup.median(result["timings_us"]))

    results = {
        name: {
            **first[name],
            "median_us": _setup.median(timings[name]),
            "p95_us": _setup.percentile(timings[name], 0.95),
            "round_medians_us": round_medians[name],
        }
        for name in names
    }

    expected = {"none": public_users, "delbar": org_users, "stock": org_users}
    base = results["none"]["median_us"]
    rows = []
    for name, result in results.items():
        overhead = "-" if name == "none" else f"{(result['median_us'] - base) / 1000:+.3f}"
        served = f"{result['body']} ({'ok' if result['body'] == str(expected[name]) else 'WRONG SCHEMA'})"
        rows.append([
            name, result["host"], f"{result['median_us']:.0f}", f"{result['p95_us']:.0f}",
            f"{min(result['round_medians_us']):.0f}-{max(result['round_medians_us']):.0f}", overhead,
            f"{result['statements_per_request']:.2f}", f"{result['set_per_request']:.2f}", served,
        ])
    print()
    print(_setup.table(
        ["config", "host", "median µs", "p95 µs", "round medians µs", "overhead ms", "SQL/req", "of which SET",
         "users counted"],
        rows, align="llrrrrrrl",
    ))
    print()
    for name, description in CONFIGS.items():
        print(f"  {name:6} = {description}")
        result = results[name]
        limit = "" if name == "none" else f", TENANT_LIMIT_SET_CALLS={result['limit_set_calls']}"
        print(f"           (as run: {result['backend']}, first middleware {result['first_middleware']}{limit})")
    print("  overhead = median minus the median of 'none'; SQL/req = statements Django sent per request (after "
          "warm-up, over")
    print(f"  {args.capture} requests), SET search_path included; 'users counted' is the view's answer, which "
          f"shows the schema it read")
    print(f"  (bench-org's schema holds {org_users} users, the public schema {public_users}). Not counted: the "
          f"connection health check")
    print(f"  (CONN_HEALTH_CHECKS) all three make per request, and delbar's routing-version check once every "
          f"{settings.TENANT_ROUTING_RECHECK_SECONDS:g} s.")
    delbar_ms = (results["delbar"]["median_us"] - base) / 1000
    stock_ms = (results["stock"]["median_us"] - base) / 1000
    print()
    print(f"Goal: delbar adds <= {GOAL_MS:.2f} ms per request over no tenancy: measured {delbar_ms:+.3f} ms "
          f"({'met' if delbar_ms <= GOAL_MS else 'NOT met'}); stock django-tenants adds {stock_ms:+.3f} ms.")
    statements = results["delbar"]["statements_per_request"]
    print(f"Goal: delbar sends 1 SQL statement per request once warm: measured {statements:.2f} "
          f"({'met' if abs(statements - 1) < 1e-9 else 'NOT met'}).")


# ---------------------------------------------------------------------------------------------- child


def child(args) -> None:
    os.environ["BENCH_CONFIG"] = args.config
    _setup.configure(migrate=False)
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    host = os.environ["BENCH_HOST"]
    handler = WSGIHandler()
    base_environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": PATH, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    status = []

    def start_response(status_line, headers, exc_info=None):
        status.append(status_line)

    def request() -> bytes:
        environ = dict(base_environ)
        environ["wsgi.input"] = io.BytesIO()
        response = handler(environ, start_response)
        try:
            return b"".join(response)
        finally:
            response.close()  # sends request_finished, as a WSGI server does

    body = request()
    if not status[-1].startswith("200"):
        sys.exit(f"[{args.config}] GET {PATH} at {host} answered {status[-1]}: {body[:500]!r}")
    for _ in range(args.warmup):
        request()

    with CaptureQueriesContext(connection) as captured:
        for _ in range(args.capture):
            request()
    statements = [query["sql"] for query in captured.captured_queries]
    sets = sum(1 for sql in statements if sql.lstrip().upper().startswith("SET "))

    clock = time.perf_counter_ns
    timings_ns = []
    gc.collect()
    for _ in range(args.requests):
        start = clock()
        request()
        timings_ns.append(clock() - start)
    if any(not line.startswith("200") for line in status):
        sys.exit(f"[{args.config}] some requests did not answer 200")

    print(json.dumps({
        "config": args.config,
        "host": host,
        "body": body.decode(),
        "timings_us": [round(t / 1000, 2) for t in timings_ns],
        "statements_per_request": len(statements) / max(args.capture, 1),
        "set_per_request": sets / max(args.capture, 1),
        "statements_sample": statements[:6],
        "backend": type(connections["default"]).__module__,
        "first_middleware": settings.MIDDLEWARE[0],
        "limit_set_calls": getattr(settings, "TENANT_LIMIT_SET_CALLS", None),
    }))


if __name__ == "__main__":
    main()
