"""Journeys a person takes in the browser, each page audited with axe-core in Swedish and in English."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import switch_to_english as _switch_to_english

START_HEADING = "Hitta innan du köper"


def test_the_public_site_and_an_unknown_host_in_swedish_and_english(page, url, audit):
    # the public site at the root domain
    page.goto(url("localhost"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delbar")
    # the organisations are found by name, not listed
    expect(page.get_by_role("link", name="Ystads kommun")).to_have_count(0)
    page.get_by_label("Organisationens namn").fill("ystad")
    expect(page.get_by_role("link", name="Ystads kommun")).to_be_visible()
    audit(page)
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    audit(page)
    page.get_by_role("link", name="Rapportera ett säkerhetsproblem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera ett säkerhetsproblem")
    audit(page)
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    _switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    audit(page)

    # an organisation that does not exist
    response = page.goto(url("finnsinte.localhost"))
    assert response.status == 404
    audit(page)


def test_log_in_see_start_page_and_invite_a_colleague(page, url, audit, django_db_blocker):
    # the login page is Swedish and accessible
    page.goto(url("ystad.localhost", "/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    audit(page)

    # a wrong password is explained, accessibly
    page.get_by_label(re.compile("E-post", re.I)).fill("admin@ystad.example")
    page.get_by_label(re.compile("Lösenord", re.I)).fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit(page)

    # log in as Ystad's organisation admin: the start page is the catalogue
    _log_in(page, url, "ystad.localhost", "admin@ystad.example")
    expect(page.get_by_role("heading", level=1)).to_have_text(START_HEADING)
    expect(page.get_by_text("Ystads kommun").first).to_be_visible()
    audit(page)

    # my account page
    page.get_by_role("link", name="Mitt konto").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    audit(page)

    # invite a colleague
    page.get_by_role("link", name="Kollegor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kollegor")
    audit(page)
    try:
        page.get_by_label("E-postadress").fill("webbtest@ystad.example")
        unit = page.locator("option", has_text="Fastighetsenheten").get_attribute("value")
        page.get_by_label("Avdelning").select_option(value=unit)
        page.get_by_role("button", name="Skicka inbjudan").click()
        expect(page.get_by_role("status")).to_contain_text("webbtest@ystad.example")
        expect(page.get_by_role("cell", name="webbtest@ystad.example", exact=True)).to_be_visible()
        audit(page)

        # the same pages in English
        _switch_to_english(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Colleagues")
        audit(page)
        page.get_by_role("link", name="My account").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        audit(page)
    finally:
        with django_db_blocker.unblock():
            from accounts.models import Invitation

            with schema_context("org_ystad"):
                Invitation.objects.filter(email="webbtest@ystad.example").delete()


def test_a_ystad_user_cannot_log_in_at_skurup(page, url):
    _log_in(page, url, "skurup.localhost", "personal@ystad.example")
    expect(page).to_have_url(re.compile(r"skurup\.localhost:\d+/konto/login/"))
    expect(page.get_by_role("alert").first).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/kollegor/", "/administrera/", "/admin/"])
def test_ystads_session_cookie_is_not_accepted_at_skurup(context, url, path):
    # given a browser logged in at Ystad
    page = context.new_page()
    _log_in(page, url, "ystad.localhost", "admin@ystad.example")
    expect(page.get_by_role("heading", level=1)).to_have_text(START_HEADING)
    session = next(c for c in context.cookies() if c["name"] == "delbar_session")
    assert session["domain"] == "ystad.localhost"  # host-only: the browser never sends it elsewhere

    # when the cookie is replayed at Skurup's host
    context.add_cookies([{**session, "domain": "skurup.localhost"}])
    page.goto(url("skurup.localhost", path))

    # then Skurup asks for a login
    expect(page).to_have_url(re.compile(r"skurup\.localhost:\d+/(konto/login|admin/login)/"))
