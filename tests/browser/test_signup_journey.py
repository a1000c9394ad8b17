"""The whole sign-up of "Sjöbo kommun" (212000-1157, municipality 1265) in a real browser, with a real Celery worker
provisioning it (issue 11 part 2, decision 0051): the e-mail verified from the captured mail, the details, the
progress page waiting for the worker, the password from the one-time link, the first-run checklist. Prints the
number of steps and the scripted time; every page audited with axe.

The worker and its own Redis are started by the test (tests/outbox_support.py); mail is faked at its boundary, the
file backend the worker writes to. The live server and the worker share the committed test database, so the test
removes Sjöbo and its sign-up afterwards.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.outbox_support import RedisServer, celery_broker, sent_mail, start_worker, stop_worker, wait_until

pytestmark = pytest.mark.worker

EMAIL = "anna.andersson@sjobo.se"
PASSWORD = "Sjöbo-delar-2026"


def _remove_sjobo() -> None:
    from django.db import connection

    from onboarding.models import SignUp
    from outbox.models import OutboxMessage
    from tenants.models import Organisation
    from tenants.services import delete_organisation

    connection.set_schema_to_public()
    for organisation in Organisation.objects.filter(slug="sjobo"):
        delete_organisation(organisation=organisation)
    SignUp.objects.filter(email=EMAIL).delete()
    OutboxMessage.objects.filter(key__startswith="onboarding:").delete()


@pytest.fixture
def worker_and_broker(tmp_path, settings, live_server_port, django_db_blocker):
    """A Redis of the test's own, a real worker against it, and this process (the live server) sending to it."""
    settings.PLATFORM_PORT = str(live_server_port)  # links in e-mails and pages point at the live server
    with django_db_blocker.unblock():
        _remove_sjobo()
    server = RedisServer(tmp_path / "redis")
    server.start()
    mail_dir = tmp_path / "mail"
    worker = start_worker(server.url, mail_dir, PLATFORM_PORT=str(live_server_port))
    try:
        with celery_broker(server.url):
            yield mail_dir
    finally:
        output = stop_worker(worker)
        server.stop()
        with django_db_blocker.unblock():
            _remove_sjobo()
        if "provision_signup" not in output:
            print(output)


def test_sjobo_signs_up_and_reaches_its_checklist(page, url, audit, worker_and_broker):
    mail_dir = worker_and_broker
    steps: list[str] = []
    started = time.monotonic()

    def step(what: str) -> None:
        steps.append(what)

    # the public site
    page.goto(url("localhost", "/"))
    page.get_by_role("link", name="Anslut er organisation").click()
    step("open the sign-up from the public site")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anslut er organisation")
    audit(page)

    # 1. the work e-mail, verified from the captured mail
    page.get_by_label("Din e-postadress i tjänsten").fill(EMAIL)
    step("type the work e-mail")
    page.get_by_role("button", name="Skicka länken till mig").click()
    step("send the link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    link = re.compile(r"http://localhost:\d+/anslut/bekrafta/[^\s/]+/")
    assert wait_until(lambda: link.search(sent_mail(mail_dir)) is not None, 60), "no verification e-mail"
    page.goto(link.search(sent_mail(mail_dir)).group(0))
    step("open the link in the e-mail")
    page.get_by_role("button", name="Bekräfta och gå vidare").click()
    step("confirm the address")

    # 2. the organisation's details
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisationens uppgifter")
    audit(page)
    page.get_by_label("Ditt namn").fill("Anna Andersson")
    page.get_by_label("Organisationens namn").fill("Sjöbo kommun")
    page.get_by_label("Kommun", exact=True).check()
    page.get_by_label("Organisationsnummer").fill("212000-1157")
    page.get_by_label("Kommunkod").select_option("1265")
    page.get_by_label("Fakturaadress").fill("Sjöbo kommun\nFakturaservice\n275 80 Sjöbo")
    page.locator("#id_buyer_reference").fill("KS 4711")
    page.get_by_label("Adress på Delbar").fill("sjobo")
    for field in ("your name", "organisation's name", "kind", "organisation number", "municipality code",
                  "invoice address", "buyer reference", "address on Delbar"):
        step(f"fill in {field}")
    expect(page.locator("#slug-status")).to_have_text("sjobo är ledig.")
    page.get_by_role("button", name="Sätt upp vår Delbar").click()
    step("send the details")

    # 3. provisioning by the worker, watched on the progress page
    expect(page.get_by_role("heading", level=1)).to_have_text("Er Delbar sätts upp")
    provisioning_started = time.monotonic()
    password_link = page.get_by_role("link", name="Välj ditt lösenord")
    expect(password_link).to_be_visible(timeout=60_000)
    provisioned_in = time.monotonic() - provisioning_started
    audit(page)
    password_link.click()
    step("open the password link")

    # the new organisation's host: the password, then the checklist
    expect(page).to_have_url(re.compile(r"^http://sjobo\.localhost:\d+/kom-igang/losenord/"))
    audit(page)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_label("Lösenordet igen").fill(PASSWORD)
    step("type the password twice")
    page.get_by_role("button", name="Spara lösenordet").click()
    step("save the password")
    expect(page).to_have_url(re.compile(r"^http://sjobo\.localhost:\d+/kom-igang/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kom igång")
    expect(page.get_by_text("0 av 4 steg klara")).to_be_visible()
    for name in ("Bygg upp era förvaltningar och enheter", "Bjud in dina kollegor", "Gå med i ett nätverk",
                 "Lägg upp er första annons"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    elapsed = time.monotonic() - started
    audit(page)
    from tests.browser.helpers import switch_to_english

    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting started")
    audit(page)

    # the welcome e-mail went out too, through the outbox
    # (the subject is MIME-encoded in the file; the body holds the one-time link and the checklist's address)
    assert wait_until(lambda: re.search(r"http://sjobo\.localhost:\d+/kom-igang/\s", sent_mail(mail_dir)), 30)
    assert re.search(r"http://sjobo\.localhost:\d+/kom-igang/losenord/", sent_mail(mail_dir))
    print(f"\nSign-up of Sjöbo kommun: {len(steps)} steps, {elapsed:.1f} s scripted "
          f"(provisioning by the worker {provisioned_in:.1f} s):")
    for number, what in enumerate(steps, 1):
        print(f"  {number:2}. {what}")
