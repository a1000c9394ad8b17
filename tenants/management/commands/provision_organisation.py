from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import OrganisationKind
from tenants.services import OrganisationDetails, domain_for, provision_organisation


class Command(BaseCommand):
    help = "Create an organisation (or finish creating one): row, domain, schema and default data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="sub-domain, e.g. ystad")
        parser.add_argument("--kind", choices=OrganisationKind.values, default=OrganisationKind.MUNICIPALITY)
        parser.add_argument("--organisation-number", required=True)
        parser.add_argument("--municipality-code", default="")
        parser.add_argument(
            "--email-domain", action="append", default=[], dest="email_domains",
            help="the organisation's own e-mail domain, e.g. ystad.se; repeat for several",
        )

    def handle(self, *args, **options):
        details = OrganisationDetails(
            name=options["name"], slug=options["slug"], kind=options["kind"],
            organisation_number=options["organisation_number"], municipality_code=options["municipality_code"],
            email_domains=tuple(options["email_domains"]),
        )
        try:
            organisation = provision_organisation(details=details)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{organisation.name} is {organisation.status} at {domain_for(organisation.slug)}")
