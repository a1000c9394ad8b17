"""The organisations of the load run, kept between runs in the database delbar_bench_load.

Each organisation bench-load-001 ... is provisioned by the product's service (tenants.services, a clone of the
template schema) and gets bench/search.py's 40 people and department tree (accounts.services.create_user) and
--listings listings with reservations (bench/search.py's COPY: a bench shortcut, the product writes one listing at a
time). Then, in bulk SQL (also a shortcut): one password hash for all people of all organisations (a hash costs
0.3–0.4 s, more than the people themselves), every address verified, and the listings' reach spread: a quarter to every
organisation, half to the organisation's networks, a quarter its own. Their photo files are written and the
exchange's copies made by the product's own daily reconciliation (exchange.publication.reconcile, which copies
the photos as publishing does). Every ten organisations (in slug order) form a network, made through
exchange.services (create, invite, accept), so that each sees its nine partners' offers and everyone's.
"""

from __future__ import annotations

import contextlib
import io
import time

PREFIX = "bench-load-"
PASSWORD = "bench-load-password-1"
NETWORK_SIZE = 10
NETWORK_PREFIX = "Bench load network "
EMAIL_DOMAIN = "bench-search.example"


def ensure_organisations(*, count: int, listings: int) -> list[str]:
    """The slugs of ``count`` seeded organisations, seeding what is missing; prints how long it took."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from bench import _setup
    from tenants.models import Organisation, OrganisationStatus

    slugs = [f"{PREFIX}{n:03d}" for n in range(1, count + 1)]
    active = {organisation.slug: organisation for organisation in Organisation.objects.filter(
        slug__in=slugs, status=OrganisationStatus.ACTIVE)}
    started = time.perf_counter()
    seeded = 0
    organisations = []
    password = make_password(PASSWORD)  # one hash (0.3–0.4 s of PBKDF2) for everyone
    for serial, slug in enumerate(slugs, start=1):
        organisation = active.get(slug) or _setup.provision(
            slug=slug, name=f"Bench Load {slug[len(PREFIX):]}", number=_setup.organisation_number(serial))
        organisations.append(organisation)
        done = _ensure_contents(organisation, listings=listings, password=password)
        seeded += done
        connection.set_schema_to_public()
        if done and seeded % 25 == 0:
            print(f"  {seeded} organisations seeded ({time.perf_counter() - started:.0f} s)", flush=True)
    _ensure_networks(organisations)
    if seeded:
        took = time.perf_counter() - started
        print(f"Seeded {seeded} organisations in {took:.0f} s ({took / seeded:.1f} s each).", flush=True)
    return slugs


def _ensure_contents(organisation, *, listings: int, password: str) -> bool:
    """People, listings, their photo files and the exchange's copies; False if all were there already."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from accounts.models import User
    from bench import _setup, search
    from catalog.models import Listing
    from exchange import publication
    from exchange.models import Offer

    with schema_context(organisation.schema_name):
        if (Listing.objects.count() == listings and User.objects.filter(is_active=True).exists()
                and Offer.objects.filter(organisation_id=organisation.pk).exists()):
            return False
        with contextlib.redirect_stdout(io.StringIO()):  # bench/search.py's lines, for each organisation
            people = search.ensure_people()
            search.ensure_listings(listings, people=people, reseed=False)
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").update(password=password)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE account_emailaddress SET verified = true WHERE email LIKE %s",
                           [f"%@{EMAIL_DOMAIN}"])
            cursor.execute("UPDATE catalog_listing SET reach = CASE id % 4 WHEN 0 THEN 'everyone' "
                           "WHEN 3 THEN 'organisation' ELSE 'networks' END")
        _setup.ensure_photo_files()
        with transaction.atomic():  # as the daily job runs it
            publication.reconcile(organisation=organisation)
    return True


def _ensure_networks(organisations: list) -> None:
    """Networks of NETWORK_SIZE organisations in slug order, through exchange.services; a network whose members
    differ (a run with fewer organisations made it) is made again. Networks beyond the run's are left."""
    from exchange import services
    from exchange.models import Membership, MembershipState, Network

    groups = [organisations[start:start + NETWORK_SIZE] for start in range(0, len(organisations), NETWORK_SIZE)]
    have: dict[str, set[int]] = {}
    for name, organisation_id in Membership.objects.filter(
        network__name__startswith=NETWORK_PREFIX, state=MembershipState.MEMBER
    ).values_list("network__name", "organisation_id"):
        have.setdefault(name, set()).add(organisation_id)
    made = 0
    for n, group in enumerate(groups, 1):
        name = f"{NETWORK_PREFIX}{n:02d}"
        if len(group) < 2 or have.get(name) == {member.pk for member in group}:
            continue
        Network.objects.filter(name=name).delete()
        network = services.create_network(name=name, by=_actor(group[0]))
        for member in group[1:]:
            services.invite_organisation(network=network, organisation_id=member.pk, by=_actor(group[0]),
                                         notify=False)
            services.accept_invitation(network=network, by=_actor(member))
        made += 1
    if made:
        print(f"Made {made} networks of up to {NETWORK_SIZE} organisations through exchange.services.", flush=True)


def _actor(organisation):
    from exchange.services import Actor

    return Actor(organisation_id=organisation.pk, name="Bench Admin", email=f"admin@{organisation.slug}.example")
