"""Wanted ads at scale (issue 10 part 4, decision 0036): publishing one listing with 10,000 open wanted ads in the
organisation — the CPU of the matching, and the cost of the alerts' e-mails through the outbox.

1. Seeds one organisation, bench-wanted, with --ads open wanted ads (default 10,000) by 200 people, their words
   drawn from the demo's item titles (one or two words each, as people write them: "kontorsstol", "skrivbord
   ek"), their keywords made by wanted.services.keywords (the Swedish lexemes) and written with bulk_create (a
   bench shortcut for posting them one by one). --hits of them (default 50) want exactly the probe's word, so each
   probe listing alerts that many people. The ads stay between runs; a run re-seeds only if the count is wrong.
2. Publishes --rounds probe listings (title "Kontorsstol Bänk <n> …", through catalog's services) and, for each,
   times wanted.matching.match_listing in a transaction rolled back afterwards (so every round matches afresh):
   (a) the matching alone (notify=False: the one INSERT … SELECT over the GIN index, with the listing's and its
   category's reads), (b) the matching with the alerts (the e-mails rendered and written to the outbox in one
   statement), and (c) for comparison, the same matching statement with PostgreSQL's index scans turned off, which
   is what testing every open ad one by one costs. p50/p95 wall and CPU (this thread plus the PostgreSQL backend's,
   as bench/search.py measures it), and SQL statements. Nothing about time is asserted.
3. Commits one probe's matching with its alerts and runs the outbox relay (outbox.services.deliver_due, e-mails to
   Django's in-memory backend) until nothing is due: the e-mails delivered, total and per e-mail time, and SQL
   statements per e-mail.

    .venv/bin/python bench/matching.py [--ads 10000] [--hits 50] [--rounds 20] [--reseed] [--small]

--small seeds 300 ads, 5 hits and times 3 rounds: it checks that the bench runs.

Uses the database delbar_bench (see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup  # noqa: E402

ORG_SLUG = "bench-wanted"
ORG_NUMBER_SERIAL = 97_000
PROBE_WORD = "kontorsstol"
SMALL = {"ads": 300, "hits": 5, "rounds": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, default=10_000, help="open wanted ads in bench-wanted (default 10000)")
    parser.add_argument("--hits", type=int, default=50, help="ads the probe listing matches (default 50)")
    parser.add_argument("--rounds", type=int, default=20, help="probe listings timed (default 20)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the count is right")
    parser.add_argument("--small", action="store_true",
                        help=f"a run of seconds that only shows the bench works: {_setup.describe(SMALL)}")
    args = parser.parse_args()
    if args.small:
        vars(args).update(SMALL)

    _setup.configure()
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import schema_context

    from bench.search import CpuClock

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation = _setup.provision(
        slug=ORG_SLUG, name="Bänkby kommun (efterlysningar)", number=_setup.organisation_number(ORG_NUMBER_SERIAL))
    with schema_context(organisation.schema_name):
        operator = ensure_ads(args.ads, hits=args.hits, reseed=args.reseed)
        clock = CpuClock(connection)
        matching_rounds(operator, rounds=args.rounds, clock=clock, hits=args.hits)
        relay(operator, clock=clock)


# ---------------------------------------------------------------------------------------------- seeding


def _vocabulary() -> list[str]:
    """Words of the demo's item titles, as people would look for them."""
    from demo.items import ITEMS

    words = set()
    for item in ITEMS:
        for word in re.findall(r"[A-Za-zÅÄÖåäö]{4,}", item.title):
            words.add(word.lower())
    words.discard(PROBE_WORD)
    return sorted(words)


def ensure_ads(count: int, *, hits: int, reseed: bool):
    """bench-wanted's operator, after making sure the schema holds ``count`` open ads, ``hits`` of them for the
    probe's word."""
    from django.db import connection, transaction

    from accounts.models import User
    from accounts.services import create_user, ensure_departments
    from catalog import selectors as catalog
    from wanted import services
    from wanted.models import WantedAd

    department = [d for d in ensure_departments(tree={"Bänkförvaltningen": ["Lager"]}) if d.parent_id][0]
    operator = User.objects.filter(email=f"operator@{ORG_SLUG}.example").first() or create_user(
        email=f"operator@{ORG_SLUG}.example", password=None, full_name="Bänk operatör", department=department,
        role="operator")
    have = WantedAd.objects.filter(status="open").count()
    probe_ads = WantedAd.objects.filter(status="open", keywords=[PROBE_WORD]).count()
    if have == count and probe_ads == hits and not reseed:
        print(f"bench-wanted holds {have:,} open wanted ads already, {hits} for the probe (kept from an earlier run; "
              "--reseed to redo).")
        return operator
    print(f"Seeding {count:,} open wanted ads into bench-wanted ({hits} for the probe) ...", flush=True)
    started = time.perf_counter()
    people = []
    for n in range(200):
        email = f"person{n}@{ORG_SLUG}.example"
        people.append(User.objects.filter(email=email).first() or create_user(
            email=email, password=None, full_name=f"Bänk person {n}", department=department, role="member"))
    vocabulary = _vocabulary()
    lexemes = {word: services.keywords(what=word) for word in vocabulary}
    vocabulary = [word for word in vocabulary if lexemes[word]]
    rng = random.Random(42)
    expires = services.default_expiry()
    rows = []
    for n in range(count):
        if n < hits:
            words = [PROBE_WORD]
            found = services.keywords(what=PROBE_WORD)
        else:
            words = rng.sample(vocabulary, rng.choice((1, 1, 2)))
            found = list(dict.fromkeys(lexeme for word in words for lexeme in lexemes[word]))
        what = " ".join(words).capitalize()
        rows.append(WantedAd(person=people[n % len(people)], what=what, keywords=found, expires_on=expires,
                             search_suffixes=catalog.title_endings(title=what)))
    with transaction.atomic():
        WantedAd.objects.all().delete()
        WantedAd.objects.bulk_create(rows, batch_size=2000)
    connection.cursor().execute("VACUUM ANALYZE wanted_wantedad")
    print(f"  {count:,} ads in {time.perf_counter() - started:.1f} s", flush=True)
    return operator


def _probe(operator, n: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from catalog import services as catalog
    from catalog.models import Category

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (60, 80, 150)).save(buffer, format="JPEG")
    return catalog.create_listing(
        author=operator,
        details=catalog.ListingDetails(
            title=f"Kontorsstol Bänk {n} med armstöd och nackstöd",
            description="Svart kontorsstol i gott skick, höj- och sänkbar, med hjul. Från ett kontor som flyttar.",
            category=Category.objects.get(name="Kontorsstolar"), department=operator.department,
            contact_person=operator, quantity=1),
        photos=catalog.prepare_photos([SimpleUploadedFile("stol.jpg", buffer.getvalue(), content_type="image/jpeg")]),
        publish=True,
    )


# ---------------------------------------------------------------------------------------------- measuring


def _timed(function, clock) -> tuple[float, float | None, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    backend = connection.connection.info.backend_pid if connection.connection else None
    cpu_start = clock.now()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = function()
    wall = (time.perf_counter() - start) * 1000
    cpu_end = clock.now()
    cpu = None
    if None not in (cpu_start, cpu_end) and connection.connection.info.backend_pid == backend:
        cpu = (cpu_end - cpu_start) / 1e6
    return wall, cpu, len(captured.captured_queries), result


def _rolled_back(function):
    from django.db import transaction

    def run():
        with transaction.atomic():
            result = function()
            transaction.set_rollback(True)
        return result
    return run


def _without_index(function):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        return function()
    return run


def matching_rounds(operator, *, rounds: int, clock, hits: int) -> None:
    from wanted import matching

    probes = [_probe(operator, n) for n in range(rounds)]
    variants = [
        ("matching (GIN index)", lambda uuid: matching.match_listing(uuid=uuid, notify=False)),
        ("matching + alerts' e-mails", lambda uuid: matching.match_listing(uuid=uuid, notify=True)),
        ("matching, every ad tested (no index)",
         lambda uuid: _without_index(lambda: matching.match_listing(uuid=uuid, notify=False))()),
    ]
    rows = []
    for label, variant in variants:
        wall, cpu, statements, matched = [], [], [], 0
        _rolled_back(lambda variant=variant: variant(probes[0].uuid))()  # warm
        gc.collect()
        for probe in probes:
            w, c, s, result = _timed(_rolled_back(lambda variant=variant, probe=probe: variant(probe.uuid)), clock)
            wall.append(w)
            statements.append(s)
            matched = len(result)
            if c is not None:
                cpu.append(c)
        rows.append([label, str(matched), str(min(statements)), f"{_setup.median(wall):.1f}",
                     f"{_setup.percentile(wall, 0.95):.1f}",
                     f"{_setup.median(cpu):.1f}" if cpu else "-",
                     f"{_setup.percentile(cpu, 0.95):.1f}" if cpu else "-"])
    print(f"\nPublishing one listing, {rounds} listings, against the open wanted ads (each round rolled back):")
    print(_setup.table(["", "ads matched", "SQL", "wall p50 ms", "wall p95 ms", "CPU p50 ms", "CPU p95 ms"], rows))
    print(f"(SQL includes the transaction's savepoint statements; {hits} ads want the probe's word.)")


def relay(operator, *, clock) -> None:
    from django.core import mail
    from django.db import transaction

    from outbox import services as outbox
    from wanted import matching

    probe = _probe(operator, 10_000 + random.randrange(1_000_000))
    with transaction.atomic():
        matched = matching.match_listing(uuid=probe.uuid, notify=True)
    mail.outbox = []
    wall, cpu, statements, delivered = 0.0, 0.0, 0, 0
    while True:
        w, c, s, result = _timed(lambda: outbox.deliver_due(limit=100), clock)
        wall += w
        cpu += c or 0.0
        statements += s
        delivered += result.delivered
        if not result.more:
            break
    sent = sum(1 for message in mail.outbox if message.subject.startswith(("Hittat", "Found")))
    per = max(sent, 1)
    print(f"\nThe alerts' e-mails through the outbox: {len(matched)} ads matched, {sent} e-mails written and "
          f"delivered by the relay (with {delivered - sent} other messages of the publication).")
    print(_setup.table(["", "total ms", "per e-mail ms", "SQL per e-mail"],
                       [["relay wall", f"{wall:.1f}", f"{wall / per:.2f}", f"{statements / max(delivered, 1):.1f}"],
                        ["relay CPU", f"{cpu:.1f}", f"{cpu / per:.2f}", ""]]))


if __name__ == "__main__":
    main()
