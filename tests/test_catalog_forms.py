"""The listing form for someone who belongs to no department: told why, instead of a choice that is refused."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .conftest import client_for
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_without_a_department_is_told_to_ask_for_one(ystad):
    # given a member whose admin has not put them in a department
    with schema_context(ystad.schema_name):
        loner = UserFactory(department=None, full_name="Ensam Utan Enhet")
    client = client_for(ystad, loner)

    # when they open the form and post anyway
    page = client.get("/annonser/ny/").content.decode()
    answer = client.post("/annonser/ny/", {"title": "Bord", "publish": "1"}).content.decode()

    # then both say why, in Swedish, and nothing is posted
    for html in (page, answer):
        assert "Ditt konto tillhör ingen avdelning ännu" in html
    with schema_context(ystad.schema_name):
        from catalog.models import Listing

        assert not Listing.objects.filter(created_by=loner).exists()
