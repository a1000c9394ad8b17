"""Staff addresses are at the organisation's own e-mail domains, and a new login address is seen by the admins
(issue 13, finding 6). Mail delivery is Django's in-memory outbox (the product's boundary)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import Department, Invitation, Role, User
from demo.world import DEMO_ORGANISATIONS, PLATFORM_ADMIN_EMAIL
from tenants.models import Organisation
from tenants.services import OrganisationDetails, set_email_domains, validate_details
from tests.conftest import client_for, demo_email, user_in

from .auth_support import form_error_codes, fresh_rate_limits  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

EMAIL_PAGE = "/konto/email/"


def _add_address(client: Client, email: str):
    return client.post(EMAIL_PAGE, {"action_add": "", "email": email})


def test_the_demo_organisations_have_their_own_domains(ystad, skurup):
    assert ystad.email_domains == ["ystad.example"]
    assert skurup.email_domains == ["skurup.example"]
    assert all(demo.details.email_domains for demo in DEMO_ORGANISATIONS)


# ---------------------------------------------------------------------------------------------- adding an address


@pytest.mark.parametrize("address", ["admin@skurup.example", "privat@gmail.example", "x@sub.ystad.example"])
def test_a_member_cannot_add_an_address_outside_the_organisations_domains(ystad, address):
    # when a Ystad member adds another organisation's (or any outside) address
    client = client_for(ystad, user_in(ystad, "personal"))
    response = _add_address(client, address)

    # then the form says which domains are allowed and nothing is stored or mailed
    assert response.status_code == 200
    assert form_error_codes(response) == {"email_domain_not_allowed"}
    assert "ystad.example" in response.content.decode()
    with schema_context(ystad.schema_name):
        assert not EmailAddress.objects.filter(email=address).exists()
    assert mail.outbox == []


def test_a_member_can_add_an_address_at_the_organisations_domain(ystad):
    # when a Ystad member adds another Ystad address (any case)
    client = client_for(ystad, user_in(ystad, "personal"))
    response = _add_address(client, "Erik.Svensson@YSTAD.example")

    # then it is stored, unverified, and a confirmation link is mailed to it
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        added = EmailAddress.objects.get(email="erik.svensson@ystad.example")
        assert (added.verified, added.primary) == (False, False)
    assert mail.outbox[-1].to == ["erik.svensson@ystad.example"]


def test_where_no_domains_are_set_members_cannot_add_addresses(ystad):
    # given an organisation that has not set its e-mail domains
    set_email_domains(organisation=ystad, domains=[])

    # when a member adds an address, even at the old domain
    response = _add_address(client_for(ystad, user_in(ystad, "personal")), "annan@ystad.example")

    # then they are told to ask their admin
    assert response.status_code == 200
    assert form_error_codes(response) == {"email_domains_not_set"}


def test_the_message_is_in_swedish_by_default(ystad):
    response = _add_address(client_for(ystad, user_in(ystad, "personal")), "x@skurup.example")
    assert "Adressen måste vara på organisationens egen e-postdomän: ystad.example." in response.content.decode()


# ---------------------------------------------------------------------------------------------- invitations


def _invite(organisation, email: str):
    with schema_context(organisation.schema_name):
        unit = Department.objects.get(name="IT-enheten")
    return client_for(organisation, user_in(organisation, "admin")).post(
        "/kollegor/", {"email": email, "role": Role.MEMBER, "department": unit.pk}
    )


def test_an_invitation_must_go_to_the_organisations_domain(ystad):
    response = _invite(ystad, "personal@skurup.example")
    assert response.status_code == 200
    assert "ystad.example" in response.content.decode()
    with schema_context(ystad.schema_name):
        assert not Invitation.objects.filter(email="personal@skurup.example").exists()
    assert _invite(ystad, "ny@ystad.example").status_code == 302


def test_where_no_domains_are_set_the_admin_may_invite_any_address(ystad):
    set_email_domains(organisation=ystad, domains=[])
    assert _invite(ystad, "konsult@byra.example").status_code == 302


# ---------------------------------------------------------------------------------------------- the admins are told


def test_a_new_login_address_is_told_to_the_organisations_admins(ystad, django_capture_on_commit_callbacks):
    # given a member with a second, verified Ystad address
    person = user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        EmailAddress.objects.create(user=person, email="erik.ny@ystad.example", verified=True, primary=False)
    client = client_for(ystad, person)

    # when they make it their primary (login and contact) address
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EMAIL_PAGE, {"action_primary": "", "email": "erik.ny@ystad.example"})
    assert response.status_code == 302

    # then the organisation's admin is told, with both addresses and a link to the person in the admin pages
    with schema_context(ystad.schema_name):
        assert User.objects.get(pk=person.pk).email == "erik.ny@ystad.example"
    to_admin = [m for m in mail.outbox if m.to == [demo_email("ystad", "admin")]]
    assert len(to_admin) == 1
    assert person.full_name in to_admin[0].subject
    assert "personal@ystad.example" in to_admin[0].body and "erik.ny@ystad.example" in to_admin[0].body
    assert f"http://ystad.localhost:8000/administrera/personer/{person.uuid}/" in to_admin[0].body
    # and the old address hears of it from allauth
    assert any(m.to == ["personal@ystad.example"] for m in mail.outbox)
    # and no one at Skurup
    assert not any(to.endswith("@skurup.example") for m in mail.outbox for to in m.to)


def test_an_admin_changing_their_own_address_is_told_to_the_other_admins_only(
    ystad, django_capture_on_commit_callbacks
):
    # given a second admin and the first one with a second address
    with schema_context(ystad.schema_name):
        other = User.objects.create_user("admin2@ystad.example", role=Role.ORG_ADMIN)
        admin = User.objects.get(email=demo_email("ystad", "admin"))
        EmailAddress.objects.create(user=admin, email="anna.ny@ystad.example", verified=True)

    # when the first admin makes it primary
    with django_capture_on_commit_callbacks(execute=True):
        client_for(ystad, admin).post(EMAIL_PAGE, {"action_primary": "", "email": "anna.ny@ystad.example"})

    # then the other admin is told
    assert [m.to for m in mail.outbox if "anna.ny@ystad.example" in m.body and m.to == [other.email]]


# ---------------------------------------------------------------------------------------------- the setting


def test_domains_are_normalised_and_checked_when_provisioning():
    details = OrganisationDetails(
        name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
        email_domains=("Sjobo.SE", "@sjobo.se", "  it.sjobo.se "),
    )
    assert validate_details(details).email_domains == ("sjobo.se", "it.sjobo.se")
    with pytest.raises(ValidationError) as raised:
        validate_details(OrganisationDetails(**{**details.__dict__, "email_domains": ("inte en domän",)}))
    assert "email_domains" in raised.value.message_dict


def test_a_platform_admin_sets_the_domains_in_the_console(ystad):
    # given the platform admin in the console
    console = Client(HTTP_HOST="localhost")
    console.force_login(User.objects.get(email=PLATFORM_ADMIN_EMAIL))
    domain = ystad.domains.get()
    form = {
        "name": ystad.name, "kind": ystad.kind, "organisation_number": ystad.organisation_number,
        "municipality_code": ystad.municipality_code, "email_domains": "Ystad.SE, ystad.example",
        "time_zone": ystad.time_zone, "reservation_days": str(ystad.reservation_days),
        "domains-TOTAL_FORMS": "1", "domains-INITIAL_FORMS": "1", "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000", "domains-0-id": str(domain.pk), "domains-0-tenant": str(ystad.pk),
        "domains-0-domain": domain.domain, "domains-0-is_primary": "on",
    }
    path = f"/konsol/tenants/organisation/{ystad.pk}/change/"

    # when they save new domains
    response = console.post(path, form)

    # then they are stored normalised
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(pk=ystad.pk).email_domains == ["ystad.se", "ystad.example"]

    # and a domain that is not one is refused with a message
    response = console.post(path, {**form, "email_domains": "ystad"})
    assert response.status_code == 200
    assert "email_domains" in response.context["adminform"].form.errors


def test_an_admin_cannot_give_a_colleague_an_address_outside_the_domains_in_the_admin_pages(ystad):
    # given Ystad's admin on a colleague's page in the admin pages (Administrera › Personer)
    person = user_in(ystad, "personal")
    admin = client_for(ystad, user_in(ystad, "admin"))
    path = f"/administrera/personer/{person.uuid}/"
    form = {"action": "change", "change-email": "personal@skurup.example", "change-full_name": person.full_name,
            "change-role": person.role, "change-department": person.department_id}

    # when they give the colleague another organisation's address
    response = admin.post(path, form)

    # then it is refused beside the field, and an address at Ystad's domain is accepted
    assert response.status_code == 400
    assert "email" in response.context["change"].errors
    assert admin.post(path, {**form, "change-email": "erik@ystad.example"}).status_code == 302
