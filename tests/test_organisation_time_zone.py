"""An organisation's time zone: Europe/Stockholm by default, set through tenants.services, shown in the console."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tenants.models import Organisation
from tenants.services import set_time_zone

pytestmark = pytest.mark.django_db


def console_client() -> Client:
    from accounts.models import User
    from demo.world import PLATFORM_ADMIN_EMAIL

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=PLATFORM_ADMIN_EMAIL))
    return client


def change_form_data(client: Client, organisation, **changes) -> dict:
    """What the console's change form posts when nothing but ``changes`` is changed."""
    response = client.get(f"/konsol/tenants/organisation/{organisation.pk}/change/")
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{name}": value for name, value in management.initial.items()})
        forms += inline.formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is not None and value is not False:
                data[form.add_prefix(name)] = getattr(value, "pk", value)
    data.update(changes)
    return data


def test_organisations_keep_swedish_time_unless_told_otherwise(ystad, skurup, trelleborg):
    assert {ystad.time_zone, skurup.time_zone, trelleborg.time_zone} == {"Europe/Stockholm"}


def test_the_service_sets_a_time_zone(skurup):
    # when
    set_time_zone(organisation=skurup, time_zone=" Europe/Helsinki ")

    # then
    assert Organisation.objects.get(pk=skurup.pk).time_zone == "Europe/Helsinki"


@pytest.mark.parametrize("bad", ["Europe/Ystad", "CET+1", "../etc/passwd", ""])
def test_a_name_that_is_no_time_zone_is_refused_in_the_persons_language(skurup, bad):
    # when a bad name is given, in Swedish
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        set_time_zone(organisation=skurup, time_zone=bad)

    # then the message says so, and nothing changed
    assert "är ingen tidszon" in refused.value.message_dict["time_zone"][0]
    assert Organisation.objects.get(pk=skurup.pk).time_zone == "Europe/Stockholm"


def test_the_console_lists_each_organisations_time_zone(ystad):
    response = console_client().get("/konsol/tenants/organisation/")
    assert response.status_code == 200
    assert "Europe/Stockholm" in response.content.decode()


def test_a_platform_admin_changes_the_time_zone_in_the_console(skurup):
    # given
    client = console_client()

    # when
    response = client.post(
        f"/konsol/tenants/organisation/{skurup.pk}/change/",
        change_form_data(client, skurup, time_zone="Europe/Helsinki"),
    )

    # then
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Organisation.objects.get(pk=skurup.pk).time_zone == "Europe/Helsinki"


def test_the_console_refuses_a_name_that_is_no_time_zone(skurup):
    # given
    client = console_client()

    # when
    response = client.post(
        f"/konsol/tenants/organisation/{skurup.pk}/change/",
        change_form_data(client, skurup, time_zone="Europe/Ystad"),
    )

    # then the form is shown again with the error, and nothing changed
    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors
    assert Organisation.objects.get(pk=skurup.pk).time_zone == "Europe/Stockholm"
