import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Department, Invitation, Role, User

from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def _department(organisation, name):
    with schema_context(organisation.schema_name):
        return Department.objects.get(name=name)


def _invite(client, email, department, role=Role.MEMBER):
    return client.post("/kollegor/", {"email": email, "role": role, "department": department.pk})


def test_an_admin_invites_a_colleague_who_joins_with_the_emailed_link(ystad, django_capture_on_commit_callbacks):
    # given
    admin = client_for(ystad, user_in(ystad, "admin"))
    unit = _department(ystad, "Fastighetsenheten")

    # when the admin invites, and the e-mail goes out when the invitation is committed
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(admin, "ny.kollega@ystad.example", unit, Role.OPERATOR)
    assert response.status_code == 302

    # then one Swedish e-mail with a link to Ystad's host
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.kollega@ystad.example"]
    assert "Ystads kommun" in message.subject
    link = re.search(r"http://ystad\.localhost:8000/konto/inbjudan/[\w-]+/", message.body).group(0)
    with schema_context(ystad.schema_name):
        assert Invitation.objects.get(email="ny.kollega@ystad.example").sent_at is not None

    # when the colleague follows the link and chooses a password
    newcomer = client_for(ystad)
    path = link.replace("http://ystad.localhost:8000", "")
    assert newcomer.get(path).status_code == 200
    password = "Hjortron-2026!"
    response = newcomer.post(path, {"full_name": "Nina Ny", "password1": password, "password2": password})

    # then they are logged in, verified, with the role and department they were invited to
    assert response.status_code == 302
    assert newcomer.get("/").status_code == 200
    with schema_context(ystad.schema_name):
        user = User.objects.get(email="ny.kollega@ystad.example")
        assert (user.role, user.department_id) == (Role.OPERATOR, unit.pk)
        assert user.emailaddress_set.get().verified
    # and the link cannot be used twice
    assert newcomer.get(path).status_code == 410


def test_an_expired_invitation_is_refused_with_a_clear_message(ystad):
    admin_user = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        from accounts.services import invite_colleague

        invitation, token = invite_colleague(
            invited_by=admin_user, email="sen@ystad.example", role=Role.MEMBER,
            department=Department.objects.first(),
        )
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client_for(ystad).get(f"/konto/inbjudan/{token}/")
    assert response.status_code == 410
    assert "gått ut" in response.content.decode()


def test_an_existing_colleague_cannot_be_invited_again(ystad):
    admin = client_for(ystad, user_in(ystad, "admin"))
    response = _invite(admin, "personal@ystad.example", _department(ystad, "IT-enheten"))
    assert response.status_code == 200
    assert "redan ett konto" in response.content.decode()


def test_only_organisation_admins_see_the_colleagues_page(ystad):
    assert client_for(ystad, user_in(ystad, "personal")).get("/kollegor/").status_code == 403
    assert client_for(ystad, user_in(ystad, "chef")).get("/kollegor/").status_code == 403
    assert client_for(ystad).get("/kollegor/").status_code == 302


def test_another_organisations_admin_cannot_touch_ystads_invitations(ystad, skurup):
    # given an open invitation in Ystad
    with schema_context(ystad.schema_name):
        from accounts.services import invite_colleague

        invitation, _ = invite_colleague(
            invited_by=User.objects.get(email="admin@ystad.example"), email="x@ystad.example",
            role=Role.MEMBER, department=Department.objects.first(),
        )

    # when Skurup's admin tries to withdraw it by its number
    skurup_admin = client_for(skurup, user_in(skurup, "admin"))
    response = skurup_admin.post(f"/kollegor/inbjudan/{invitation.pk}/aterkalla/")

    # then Skurup has no such invitation, and Ystad's page never shows at Skurup
    assert response.status_code == 404
    assert "x@ystad.example" not in skurup_admin.get("/kollegor/").content.decode()
    with schema_context(ystad.schema_name):
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_an_admin_withdraws_an_invitation(ystad):
    admin = client_for(ystad, user_in(ystad, "admin"))
    _invite(admin, "kanske@ystad.example", _department(ystad, "IT-enheten"))
    with schema_context(ystad.schema_name):
        invitation = Invitation.objects.get(email="kanske@ystad.example")
    assert admin.post(f"/kollegor/inbjudan/{invitation.pk}/aterkalla/").status_code == 302
    with schema_context(ystad.schema_name):
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
