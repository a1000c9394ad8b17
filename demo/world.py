"""The demo world: Ystad, Skurup and Trelleborg with departments, one person per role, about 40 listings each and
loans of the things they lend and rent out, sharing in the network "Sydöstra Skåne"; and Tomelilla, with its people
but no listings, outside the network.

Used by ``make demo`` (manage.py seed_demo) and by the test suite, which builds the same world once per run. The
listings come from demo.listings, the loans from demo.loans and the deals between the organisations from
demo.deals; all of it is made through the apps' services.
Running it again changes nothing. Organisation numbers are valid numbers in the municipal 212000 series; check
them against Bolagsverket before they are used for invoicing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django_tenants.utils import schema_context

from accounts.roles import Role
from accounts.services import ensure_departments, ensure_superuser, ensure_user, set_up_totp
from reports.services import refresh_impact_ledger_of_all
from tenants.services import OrganisationDetails, domain_for, provision_organisation

from .approvals import seed_demo_approvals
from .billing import seed_demo_billing
from .deals import seed_demo_deals
from .factors import seed_demo_factor_version
from .listings import seed_demo_listings
from .loans import seed_demo_loans
from .needs import seed_demo_needs
from .network import seed_demo_network
from .places import remember_demo_defaults, seed_demo_places
from .storage import seed_demo_storage
from .wanted import seed_demo_wanted, settle_demo_events
from .workspace import seed_demo_workspace

DEMO_PASSWORD = "delbar-demo-2026"
PLATFORM_ADMIN_EMAIL = "plattform@delbar.example"
# The demo platform admin's authenticator app (platform admins must have one, decision 0054): add this secret to an
# authenticator app to log in to the demo's console. Demo data only, as public as the demo password.
PLATFORM_ADMIN_TOTP_SECRET = "DELBARDEMOPLATFORMADMINTOTP23456"


@dataclass(frozen=True)
class DemoPerson:
    email_local: str
    full_name: str
    role: str
    department: str


@dataclass(frozen=True)
class DemoOrganisation:
    details: OrganisationDetails
    departments: dict[str, list[str]]
    people: list[DemoPerson] = field(default_factory=list)
    listings: bool = True  # its demo listings (catalog.demo); Tomelilla has none
    in_network: bool = True  # a member of the demo network (exchange.demo)

    def email(self, person: DemoPerson) -> str:
        return f"{person.email_local}@{self.details.slug}.example"


def _people(admin: str, operator: str, manager: str, member: str, units: tuple[str, str, str]) -> list[DemoPerson]:
    return [
        DemoPerson("admin", admin, Role.ORG_ADMIN, units[0]),
        DemoPerson("operator", operator, Role.OPERATOR, "Arbetsmarknadsenheten"),
        DemoPerson("chef", manager, Role.DEPARTMENT_MANAGER, units[1]),
        DemoPerson("personal", member, Role.MEMBER, units[2]),
    ]


DEMO_ORGANISATIONS = [
    DemoOrganisation(
        details=OrganisationDetails(
            name="Ystads kommun", slug="ystad", kind="municipality", organisation_number="212000-1165",
            municipality_code="1286", email_domains=("ystad.example",),
        ),
        departments={
            "Kommunledningsförvaltningen": ["Arbetsmarknadsenheten", "IT-enheten", "Ekonomienheten"],
            "Barn- och utbildningsförvaltningen": ["Östervångsskolan", "Förskolan Regnbågen"],
            "Socialförvaltningen": ["Äldreomsorgen", "Individ- och familjeomsorgen"],
            "Samhällsbyggnadsförvaltningen": ["Fastighetsenheten", "Gatuenheten"],
        },
        people=_people("Anna Lindqvist", "Johan Persson", "Maria Nilsson", "Erik Svensson",
                       ("IT-enheten", "Östervångsskolan", "Äldreomsorgen")),
    ),
    DemoOrganisation(
        details=OrganisationDetails(
            name="Skurups kommun", slug="skurup", kind="municipality", organisation_number="212000-1132",
            municipality_code="1264", email_domains=("skurup.example",),
        ),
        departments={
            "Kommunstyrelseförvaltningen": ["Arbetsmarknadsenheten", "Ekonomiavdelningen"],
            "Utbildningsförvaltningen": ["Rydsgårdsskolan", "Förskolan Solrosen"],
            "Vård- och omsorgsförvaltningen": ["Hemtjänsten"],
        },
        people=_people("Karin Holm", "Ali Hassan", "Lena Berg", "Oskar Lund",
                       ("Ekonomiavdelningen", "Rydsgårdsskolan", "Hemtjänsten")),
    ),
    DemoOrganisation(
        details=OrganisationDetails(
            name="Trelleborgs kommun", slug="trelleborg", kind="municipality", organisation_number="212000-1140",
            municipality_code="1287", email_domains=("trelleborg.example",),
        ),
        departments={
            "Kommunledningsförvaltningen": ["Arbetsmarknadsenheten", "Digitaliseringsenheten"],
            "Utbildningsförvaltningen": ["Pilevallskolan", "Förskolan Havsörnen"],
            "Kultur- och fritidsförvaltningen": ["Biblioteket"],
        },
        people=_people("Sofia Ek", "Mikael Olsson", "Helena Ström", "David Karlsson",
                       ("Digitaliseringsenheten", "Pilevallskolan", "Biblioteket")),
    ),
    # Outside the network, so that "not in my network" shows: the network's admins can find and invite it.
    DemoOrganisation(
        details=OrganisationDetails(
            name="Tomelilla kommun", slug="tomelilla", kind="municipality", organisation_number="212000-1199",
            municipality_code="1270", email_domains=("tomelilla.example",),
        ),
        departments={
            "Kommunstyrelseförvaltningen": ["Arbetsmarknadsenheten", "Ekonomienheten"],
            "Barn- och utbildningsförvaltningen": ["Byavångsskolan"],
            "Vård- och omsorgsförvaltningen": ["Hemtjänsten"],
        },
        people=_people("Eva Mårtensson", "Jonas Nyberg", "Lina Sjögren", "Peter Åkesson",
                       ("Ekonomienheten", "Byavångsskolan", "Hemtjänsten")),
        listings=False,
        in_network=False,
    ),
]


def seed_demo(*, password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """Provision the demo organisations and people; return (host, e-mail, role) for every login."""
    logins = []
    provisioned = {}  # by slug
    network_members = []
    trading = []  # the network's members with listings: they ask each other for things (demo.deals)
    for demo in DEMO_ORGANISATIONS:
        organisation = provision_organisation(details=demo.details)
        provisioned[organisation.slug] = organisation
        if demo.listings and demo.in_network:
            trading.append(organisation)
        with schema_context(organisation.schema_name), transaction.atomic():
            departments = {d.name: d for d in ensure_departments(tree=demo.departments)}
            for person in demo.people:
                user, _ = ensure_user(
                    email=demo.email(person), password=password, full_name=person.full_name, role=person.role,
                    department=departments[person.department],
                )
                logins.append((domain_for(organisation.slug), user.email, user.get_role_display()))
                if person.role == Role.ORG_ADMIN and demo.in_network:
                    network_members.append((organisation.pk, user.get_full_name(), user.email))
            if demo.listings:
                # Shared with the network, and so published to the exchange once committed.
                seed_demo_places(organisation=organisation)
                seed_demo_listings(organisation=organisation, shared=demo.in_network)
                seed_demo_loans(organisation=organisation)
                remember_demo_defaults(organisation=organisation)
                seed_demo_storage(organisation=organisation)
    connection.set_schema_to_public()
    seed_demo_network(members=network_members)
    seed_demo_deals(organisations=trading)
    # Needs of each outcome at Ystad, some met by what the deals brought (check before you buy, decision 0033).
    for organisation in trading:
        if organisation.slug == "ystad":
            with schema_context(organisation.schema_name):
                seed_demo_needs(organisation=organisation)
    # Wanted ads at Ystad and Skurup; one at Ystad already found what it asks for (decision 0036).
    for organisation in trading:
        with schema_context(organisation.schema_name):
            seed_demo_wanted(organisation=organisation)
    # Ystad asks a manager to approve bookings above 2,000 SEK, and one request awaits its chef (decision 0045).
    for organisation in trading:
        with schema_context(organisation.schema_name):
            seed_demo_approvals(organisation=organisation, password=password)
    # Listings stay current (decision 0044): renewed within the limit, and the operator's day at Ystad — a few
    # expiring, two expired this morning, a draft without a photo, one without a description, handovers waiting,
    # pick-ups and returns due and overdue (docs/operators-day.md).
    for organisation in trading:
        with schema_context(organisation.schema_name):
            seed_demo_workspace(organisation=organisation, operator_day=organisation.slug == "ystad")
            # Again, last: what the demo posted on the way (the wanted ads' sewing machine, the operator's draft without
            # a photo) would otherwise be what its poster's next form starts with.
            remember_demo_defaults(organisation=organisation)
    # Deliver what is due after all of it (the workspace's listings published too), and leave nothing waiting.
    settle_demo_events(organisations=trading)
    connection.set_schema_to_public()
    # A second factor version, in force from halfway through this year (decision 0035).
    seed_demo_factor_version()
    # The public ledger of the organisations' figures, as the nightly job would write it (decision 0035).
    refresh_impact_ledger_of_all()
    # Subscriptions: Ystad's invoice paid, Trelleborg's to pay, Tomelilla on trial, Skurup none (decision 0058).
    seed_demo_billing(organisations=provisioned)
    ensure_platform_admin(email=PLATFORM_ADMIN_EMAIL, password=password)
    return logins


def ensure_platform_admin(*, email: str, password: str) -> None:
    connection.set_schema_to_public()
    admin, _created = ensure_superuser(email=email, password=password, full_name="Plattformsadministratör")
    set_up_totp(user=admin, secret=PLATFORM_ADMIN_TOTP_SECRET)
