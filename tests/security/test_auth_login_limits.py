"""Every login goes through allauth's login and its rate limits (issue 13, findings 1, 4 and 5).

The platform console (/konsol/) and the organisation admin site (/admin/) have no password form of their own:
their login pages send to allauth's. The client address the limits count by is REMOTE_ADDR unless a trusted
proxy is configured. Rate-limit counters live in the cache; each test starts and ends with none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from accounts.admin import organisation_admin_site
from accounts.models import User
from demo.world import PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET
from platform_.console import console_site
from tests.admin_support import assert_sent_to_administrera, platform_staff_in
from tests.conftest import PASSWORD, client_for, demo_email, host_of, user_in

from .auth_support import form_error_codes, fresh_rate_limits, root_client, totp_code  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

LOGIN = "/konto/login/"
MFA_STEP = "/konto/2fa/authenticate/"


def _refused_for_too_many(response) -> bool:
    """allauth's two answers to a rate-limited login: 429, or the form again with "too many failed attempts"."""
    if response.status_code == 429:
        return True
    return response.status_code == 200 and "too_many_login_attempts" in form_error_codes(response)


# ---------------------------------------------------------------------------------------------- finding 1


def test_the_console_login_page_sends_to_allauths_login_at_the_root_domain(db):
    # when an anonymous visitor opens the console's login page, or posts a password to it
    page = root_client().get("/konsol/login/?next=/konsol/")
    posted = root_client().post("/konsol/login/", {"username": PLATFORM_ADMIN_EMAIL, "password": PASSWORD})

    # then both are sent to allauth's login, which comes back to the console; the posted password is not looked at
    assert page.status_code == 302
    assert page["Location"] == "/konto/login/?next=%2Fkonsol%2F"
    assert posted.status_code == 302 and posted["Location"].startswith(LOGIN)
    assert root_client().get(page["Location"]).status_code == 200


def test_thirty_wrong_passwords_at_the_console_lock_the_platform_admin_out(db):
    # given the platform console's login, which is allauth's at the root domain
    attacker = root_client()
    login_url = attacker.get("/konsol/login/?next=/konsol/")["Location"]

    # when someone tries 30 wrong passwords for the platform admin
    answers = [
        attacker.post(login_url, {"login": PLATFORM_ADMIN_EMAIL, "password": f"fel-losenord-{n}"}) for n in range(30)
    ]

    # then after five the account is refused without the password being checked
    assert not any(_refused_for_too_many(answer) for answer in answers[:5])
    assert all(_refused_for_too_many(answer) for answer in answers[5:])

    # and the right password is refused too within the window, from that address and from any other
    for client in (attacker, root_client(REMOTE_ADDR="198.51.100.23")):
        answer = client.post(login_url, {"login": PLATFORM_ADMIN_EMAIL, "password": PASSWORD})
        assert _refused_for_too_many(answer)
        assert "_auth_user_id" not in client.session
        assert client.get("/konsol/").status_code == 302


def test_a_platform_admin_logs_in_to_the_console_through_allauth(db):
    # given the login page the console sends to
    client = root_client()
    login_url = client.get("/konsol/", follow=True).redirect_chain[-1][0]
    assert login_url == "/konto/login/?next=%2Fkonsol%2F"

    # when the password is right, allauth asks for the code from the platform admin's app (decision 0054)
    response = client.post(login_url, {"login": PLATFORM_ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MFA_STEP
    response = client.post(MFA_STEP, {"code": totp_code(PLATFORM_ADMIN_TOTP_SECRET)})

    # then back at the console, logged in
    assert response.status_code == 302 and response["Location"] == "/konsol/"
    assert client.get("/konsol/").status_code == 200


def test_without_next_a_platform_admin_lands_in_the_console(db):
    client = root_client()
    client.post(LOGIN, {"login": PLATFORM_ADMIN_EMAIL, "password": PASSWORD})
    response = client.post(MFA_STEP, {"code": totp_code(PLATFORM_ADMIN_TOTP_SECRET)})
    assert response.status_code == 302 and response["Location"] == "/konsol/"


def test_a_logged_in_person_who_is_not_a_platform_admin_gets_403_at_the_console_login(db):
    # given a public-schema user who is not a superuser
    person = User.objects.create_user("inte-admin@delbar.example", PASSWORD)
    client = root_client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")

    # then the console neither lets them in nor offers another password form
    assert client.get("/konsol/").status_code == 302
    assert client.get("/konsol/login/?next=/konsol/").status_code == 403


def test_the_organisation_admin_login_sends_to_allauth_at_the_organisations_host(ystad):
    response = client_for(ystad).get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=%2Fadmin%2F"


def test_varying_the_host_port_does_not_reset_the_per_account_lockout(ystad):
    # given five wrong passwords for one account, each sent with a different port in the Host header
    email = demo_email("ystad", "chef")
    for port in range(7001, 7006):
        client = client_for(ystad)
        client.defaults["HTTP_HOST"] = f"{host_of(ystad)}:{port}"
        client.defaults["REMOTE_ADDR"] = f"203.0.113.{port - 7000}"
        assert not _refused_for_too_many(client.post(LOGIN, {"login": email, "password": "fel-losenord"}))

    # when the right password comes from yet another port and address
    client = client_for(ystad)
    client.defaults.update(HTTP_HOST=f"{host_of(ystad)}:7777", REMOTE_ADDR="203.0.113.77")
    answer = client.post(LOGIN, {"login": email, "password": PASSWORD})

    # then the account is still locked
    assert _refused_for_too_many(answer)
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------------------------------------- finding 4


def test_without_a_trusted_proxy_a_forged_x_forwarded_for_does_not_escape_the_per_address_limit(ystad):
    # given no trusted proxy configured (the default)
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0 and settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None

    # when one address sprays ten accounts, claiming another X-Forwarded-For each time
    client = client_for(ystad)
    for n in range(10):
        answer = client.post(
            LOGIN, {"login": f"gissad{n}@ystad.example", "password": "fel-losenord"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )
        assert not _refused_for_too_many(answer)
    eleventh = client.post(
        LOGIN, {"login": "gissad11@ystad.example", "password": "fel-losenord"}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )

    # then the eleventh is refused: the limit counts REMOTE_ADDR
    assert _refused_for_too_many(eleventh)


def test_behind_a_trusted_proxy_people_are_told_apart_by_the_address_it_reports(ystad, settings):
    # given one proxy of ours in front, so that every request comes from its address
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    # when one person outside fails ten times (the proxy appends their address to X-Forwarded-For)
    attacker = client_for(ystad)
    for n in range(10):
        attacker.post(
            LOGIN, {"login": f"gissad{n}@ystad.example", "password": "fel"},
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy,
        )
    attacker_again = attacker.post(
        LOGIN, {"login": "gissad99@ystad.example", "password": "fel"},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7", **proxy,
    )

    # then that person is refused, whatever they put in front of the proxy's entry
    assert _refused_for_too_many(attacker_again)
    # and a colleague behind the same proxy still logs in
    colleague = client_for(ystad)
    answer = colleague.post(
        LOGIN, {"login": demo_email("ystad", "personal"), "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy,
    )
    assert answer.status_code == 302
    assert "_auth_user_id" in colleague.session


@pytest.mark.parametrize(
    ("configured", "meta", "expected"),
    [
        ({}, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.2"),
        ({"ALLAUTH_TRUSTED_PROXY_COUNT": 1}, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"},
         "5.6.7.8"),
        ({"ALLAUTH_TRUSTED_PROXY_COUNT": 2}, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"},
         "1.2.3.4"),
        ({"ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
         {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "5.6.7.8", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "5.6.7.8"),
    ],
)
def test_client_ip_is_the_one_answer_for_every_rate_limit(settings, configured, meta, expected):
    # given
    for name, value in configured.items():
        setattr(settings, name, value)
    request = RequestFactory().get("/", **meta)

    # then the platform's function and allauth's limits agree
    from allauth.core.internal.ratelimit import get_ip

    from platform_.client_ip import client_ip

    assert client_ip(request) == expected
    assert get_ip(request) == expected


def test_the_trusted_proxy_comes_from_the_environment_and_drf_agrees():
    # given a deployment that says one proxy of ours stands in front
    env = {key: value for key, value in os.environ.items() if key not in {"DELBAR_TESTING"}}
    env.update(
        TRUSTED_PROXY_COUNT="1", TRUSTED_CLIENT_IP_HEADER="X-Real-IP", DJANGO_SETTINGS_MODULE="platform_.settings",
        # a Redis named, so that reading the settings outside the tests starts no embedded one in the checkout
        REDIS_URL=os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15"),
    )
    code = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps(["
        "settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "settings.REST_FRAMEWORK['NUM_PROXIES']]))"
    )

    # when the settings are read
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)

    # then allauth and DRF are told the same
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [1, "X-Real-IP", 1]


# ---------------------------------------------------------------------------------------------- finding 5


def test_the_organisation_admin_login_answers_anonymous_visitors_without_an_error(ystad):
    client = client_for(ystad)
    client.raise_request_exception = False
    for path in ("/admin/login/", "/admin/", "/admin/catalog/category/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login/" in response["Location"]


def test_the_admin_sites_permission_checks_are_safe_for_anonymous_visitors(ystad):
    # given an anonymous request
    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()

    # then every check says no instead of raising
    assert organisation_admin_site.has_permission(request) is False
    assert console_site.has_permission(request) is False
    for model_admin in organisation_admin_site._registry.values():
        assert model_admin.has_module_permission(request) is False
        assert model_admin.has_view_permission(request) is False


def test_a_member_who_is_not_an_admin_is_refused_at_the_admin_login(ystad):
    # a member gets 403 (a page that says who the admin is for), never another password form
    client = client_for(ystad, user_in(ystad, "personal"))
    for path in ("/admin/", "/admin/login/?next=/admin/"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert 'name="password"' not in refused.content.decode()
    # the organisation's admin is sent to Administrera (Django admin is platform staff's, decision 0039)
    admin = client_for(ystad, user_in(ystad, "admin"))
    assert_sent_to_administrera(admin.get("/admin/"))
    assert_sent_to_administrera(admin.get("/admin/login/?next=/admin/"))
    # platform staff (a superuser of the organisation's schema) get in
    assert client_for(ystad, platform_staff_in(ystad)).get("/admin/").status_code == 200


def test_the_admin_sites_permission_check_admits_platform_staff_only(ystad):
    # given requests from a member, the organisation's admin, and platform staff
    request = RequestFactory().get("/admin/")
    for person, admitted in ((user_in(ystad, "personal"), False), (user_in(ystad, "admin"), False),
                             (platform_staff_in(ystad), True)):
        request.user = person

        # then only platform staff are admitted, to the site and to each of its models
        assert organisation_admin_site.has_permission(request) is admitted, person.email
        for model_admin in organisation_admin_site._registry.values():
            assert model_admin.has_module_permission(request) is admitted, (person.email, model_admin)
            assert model_admin.has_view_permission(request) is admitted, (person.email, model_admin)
