"""An organisation's own settings (today: how many days a reservation is held before it lapses): set through
tenants.services.update_settings, in the platform console, and on the organisation's "Settings" page by its admins
only — each on their own organisation's host, never another's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import schema_context

from tenants.models import Organisation
from tenants.services import update_settings
from tests.factories import UserFactory

from .conftest import client_for, host_of, user_in
from .test_organisation_time_zone import change_form_data, console_client

pytestmark = pytest.mark.django_db

URL = "/installningar/"


def days_of(organisation) -> int:
    return Organisation.objects.get(pk=organisation.pk).reservation_days


# ---------------------------------------------------------------------------------------------- the service


def test_reservations_are_held_14_days_unless_the_organisation_says_otherwise(ystad, skurup, trelleborg):
    assert {ystad.reservation_days, skurup.reservation_days, trelleborg.reservation_days} == {14}


def test_the_service_sets_the_days_and_leaves_what_it_is_not_given(skurup):
    # when
    changed = update_settings(organisation=skurup, reservation_days=30)
    unchanged = update_settings(organisation=skurup)

    # then
    assert (changed.reservation_days, unchanged.reservation_days, days_of(skurup)) == (30, 30, 30)


@pytest.mark.parametrize("bad", [0, -3, 366, True, "7", 7.5])
def test_days_outside_1_to_365_are_refused_in_the_persons_language(skurup, bad):
    # when
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        update_settings(organisation=skurup, reservation_days=bad)

    # then the message names the range, on the field, and nothing changed
    assert refused.value.message_dict["reservation_days"] == ["Välj ett antal dagar från 1 till 365."]
    assert days_of(skurup) == 14


# ---------------------------------------------------------------------------------------------- the console


def test_the_console_shows_and_changes_the_days(skurup):
    # given
    client = console_client()
    assert "reservation_days" in client.get("/konsol/tenants/organisation/").content.decode()

    # when a platform admin changes them, then tries a number out of range
    saved = client.post(f"/konsol/tenants/organisation/{skurup.pk}/change/",
                        change_form_data(client, skurup, reservation_days="21"))
    refused = client.post(f"/konsol/tenants/organisation/{skurup.pk}/change/",
                          change_form_data(client, skurup, reservation_days="400"))

    # then the first is kept, the second shown again with its error
    assert saved.status_code == 302
    assert refused.status_code == 200 and "reservation_days" in refused.context["adminform"].form.errors
    assert days_of(skurup) == 21


# ---------------------------------------------------------------------------------------------- the page


def test_an_organisation_admin_sees_and_changes_the_days_on_the_settings_page(ystad):
    # given Ystad's organisation admin
    client = client_for(ystad, user_in(ystad, "admin"))

    # when they open the page from the menu, then save 21 days
    home = client.get("/").content.decode()
    page = client.get(URL)
    response = client.post(URL, {"reservation_days": "21"}, follow=True)

    # then the menu links to it, the form shows the current 14 days, and 21 are saved, with a message
    assert f'href="{URL}"' in home
    assert page.status_code == 200
    assert 'name="reservation_days"' in page.content.decode() and 'value="14"' in page.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert "Inställningarna är sparade." in response.content.decode()
    assert days_of(ystad) == 21


@pytest.mark.parametrize("value, message", [
    ("0", "Välj ett antal dagar från 1 till 365."),
    ("366", "Välj ett antal dagar från 1 till 365."),
    ("tolv", "Fyll i ett heltal."),
    ("", "Det här fältet är obligatoriskt."),
])
def test_a_bad_number_is_explained_beside_the_field_and_nothing_changes(ystad, value, message):
    # when
    response = client_for(ystad, user_in(ystad, "admin")).post(URL, {"reservation_days": value})

    # then
    assert response.status_code == 400
    assert response.context["form"].errors["reservation_days"] == [message]
    assert 'aria-invalid="true"' in response.content.decode()
    assert days_of(ystad) == 14


def test_the_page_is_in_english_for_whoever_chose_english(ystad):
    client = client_for(ystad, user_in(ystad, "admin"))
    client.cookies["delbar_language"] = "en"
    body = client.get(URL).content.decode()
    assert "<h1>Settings</h1>" in body and "Days a reservation is held" in body


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_staff_who_are_not_organisation_admins_get_403_and_change_nothing(ystad, local):
    # given someone of Ystad who is not an organisation admin
    client = client_for(ystad, user_in(ystad, local))

    # when they open the page, or post to it
    shown = client.get(URL)
    posted = client.post(URL, {"reservation_days": "1"})

    # then both are refused, the menu does not offer it, and nothing changed
    assert (shown.status_code, posted.status_code) == (403, 403)
    assert f'href="{URL}"' not in client.get("/").content.decode()
    assert days_of(ystad) == 14


def test_an_anonymous_visitor_is_sent_to_the_login_page(ystad):
    response = client_for(ystad).post(URL, {"reservation_days": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    assert days_of(ystad) == 14


def test_another_organisations_admin_can_change_only_their_own(ystad, skurup):
    # given Skurup's admin, logged in at Skurup
    skurup_admin = client_for(skurup, user_in(skurup, "admin"))

    # when they save at Skurup's host (naming Ystad in the form changes nothing: the host decides), and then send
    # their Skurup session to Ystad's host
    skurup_admin.post(URL, {"reservation_days": "5", "organisation": str(ystad.pk), "slug": "ystad"})
    cookie = skurup_admin.cookies
    at_ystad = client_for(ystad)
    at_ystad.cookies = cookie
    replayed = at_ystad.post(URL, {"reservation_days": "1"}, HTTP_HOST=host_of(ystad))

    # then Skurup's days changed and Ystad's did not: at Ystad the session is nobody's, so it is the login page
    assert days_of(skurup) == 5
    assert replayed.status_code == 302 and replayed["Location"].startswith("/konto/login/")
    assert days_of(ystad) == 14


def test_the_page_costs_the_same_queries_however_many_people_the_organisation_has(ystad):
    client = client_for(ystad, user_in(ystad, "admin"))

    def count(method: str, **data) -> int:
        connection.set_schema_to_public()  # each request starts where a new one would
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(URL, data)
        assert response.status_code in (200, 302)
        return len(queries.captured_queries)

    # given the page and a save, counted once (after a first visit has filled the per-person caches: the bell)
    # (each show follows a save, which renews the cached routing of the organisation's settings)
    count("get")
    saved = count("post", reservation_days="20")
    before = (count("get"), saved)

    # when the organisation has fifty more people
    with schema_context(ystad.schema_name):
        UserFactory.create_batch(50)
    connection.set_schema_to_public()
    saved = count("post", reservation_days="21")
    after = (count("get"), saved)

    # then the page and the save cost the same, and little
    assert before == after, (before, after)
    assert before[0] <= 8 and before[1] <= 12, before
    print("queries of the settings page (show, save):", before)
