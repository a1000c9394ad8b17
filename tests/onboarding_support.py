"""Shared steps of the sign-up tests: a verified applicant, Sjöbo's details, the link from the captured e-mail."""

from __future__ import annotations

import re

from django.db import connection
from django_tenants.utils import schema_context

from onboarding import services
from onboarding.models import SignUp
from outbox.models import OutboxMessage

EMAIL = "anna.andersson@sjobo.se"


def sjobo_details(**changes) -> services.SignUpDetails:
    values = dict(
        full_name="Anna Andersson", name="Sjöbo kommun", kind="municipality", organisation_number="212000-1157",
        municipality_code="1265", invoice_address="Sjöbo kommun\nFakturor\n275 80 Sjöbo", buyer_reference="KS 4711",
        peppol_id="", slug="sjobo", plan_code="delbar", band="small", payment_method="invoice",
    )
    values.update(changes)
    return services.SignUpDetails(**values)


def verify_url_for(token: str) -> str:
    return f"http://localhost:8000/anslut/bekrafta/{token}/"


def link_in(body: str, pattern: str) -> str:
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def last_verification_token(email: str = EMAIL) -> str:
    connection.set_schema_to_public()
    message = OutboxMessage.objects.filter(kind="onboarding.verification", payload__to=[email]).order_by("-pk").first()
    return link_in(message.payload["body"], r"/anslut/bekrafta/([^/\s]+)/").split("/")[-2]


def verified_signup(email: str = EMAIL) -> SignUp:
    services.start_signup(email=email, language="sv", verify_url_for=verify_url_for)
    return services.verify_email(token=last_verification_token(email))


def outbox_in(schema_name: str, kind: str):
    with schema_context(schema_name):
        return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def ready_signup(**changes) -> SignUp:
    """Sjöbo signed up, verified, its details sent and provisioned (the task run in this process)."""
    signup = services.submit_details(signup=verified_signup(), details=sjobo_details(**changes))
    return services.run_provisioning(signup_id=signup.pk)


def password_path_from_welcome(schema_name: str = "org_sjobo") -> str:
    (welcome,) = outbox_in(schema_name, "onboarding.welcome")
    return link_in(welcome.payload["body"], r"/kom-igang/losenord/[^\s]+/")
