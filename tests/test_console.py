"""The platform console runs organisations (issue 11 part 4, decision 0053): suspend and reactivate with a reason and
a confirmation, e-mailing the organisation's admins; create one with its first admin; usage in the list; export;
deletion after a grace period; a log of every platform action with who and why."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from console import services
from console.models import ActionKind, OrganisationExport, PlannedDeletion, PlatformAction
from outbox.models import OutboxMessage
from tenants.models import Organisation
from tenants.services import OrganisationDetails, provision_organisation

from .conftest import demo_email

pytestmark = pytest.mark.django_db

SJOBO = OrganisationDetails(name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
                            municipality_code="1265", email_domains=("sjobo.example",))


def platform_admin():
    from accounts.models import User
    from demo.world import PLATFORM_ADMIN_EMAIL

    connection.set_schema_to_public()
    return User.objects.get(email=PLATFORM_ADMIN_EMAIL)


def console(language: str = "sv") -> Client:
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(platform_admin())
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def public_mail(prefix: str) -> list[dict]:
    connection.set_schema_to_public()
    return [message.payload for message in OutboxMessage.objects.filter(key__startswith=prefix).order_by("pk")]


def sjobo_with_admin_and_photo():
    """Sjöbo, provisioned, with an admin and a published listing with two photos."""
    from accounts.roles import Role

    from .catalog_factories import make_listing
    from .factories import UserFactory

    organisation = provision_organisation(details=SJOBO)
    with schema_context(organisation.schema_name):
        from accounts.models import Department

        admin = UserFactory(email="admin@sjobo.example", role=Role.ORG_ADMIN,
                            department=Department.objects.order_by("pk").first())
        make_listing(author=admin, photos=2)
    connection.set_schema_to_public()
    return organisation


# ---------------------------------------------------------------------------------------- suspend and reactivate


def test_suspending_asks_for_a_reason_and_a_confirmation_then_logs_and_tells_the_admins(skurup):
    client = console()
    page = f"/konsol/tenants/organisation/{skurup.pk}/suspend/"
    # given the confirmation page, which says what happens and to whom
    response = client.get(page)
    assert response.status_code == 200
    assert "Stäng av Skurups kommun" in response.content.decode()
    # when it is sent without a reason or the confirmation
    refused = client.post(page, {"reason": " ", "confirm": ""})
    # then nothing happens
    assert refused.status_code == 200
    skurup.refresh_from_db()
    assert skurup.is_active and not PlatformAction.objects.filter(organisation_id=skurup.pk).exists()
    # when it is sent with both
    done = client.post(page, {"reason": "Obetald faktura 2026-17", "confirm": "on"})
    # then the organisation is suspended, the log says who and why, and its admins are e-mailed the reason
    assert done.status_code == 302
    skurup.refresh_from_db()
    assert skurup.is_suspended
    action = PlatformAction.objects.get(organisation_id=skurup.pk)
    assert (action.kind, action.actor, action.reason) == (ActionKind.SUSPENDED, platform_admin(),
                                                          "Obetald faktura 2026-17")
    [mail] = public_mail("console.suspended:")
    assert demo_email("skurup", "admin") in mail["to"]
    assert "Obetald faktura 2026-17" in mail["body"] and "Skurups kommun" in mail["subject"]
    assert action.details["told"] == mail["to"]
    # and the organisation's page shows the log
    assert "Obetald faktura 2026-17" in client.get(f"/konsol/tenants/organisation/{skurup.pk}/change/").content.decode()


def test_reactivating_logs_tells_the_admins_and_cancels_a_planned_deletion(skurup):
    services.mark_for_deletion(organisation=skurup, by=platform_admin(), reason="Avslutat avtal")
    client = console("en")
    page = f"/konsol/tenants/organisation/{skurup.pk}/reactivate/"
    assert "Reactivate Skurups kommun" in client.get(page).content.decode()
    # when
    response = client.post(page, {"reason": "Nytt avtal", "confirm": "on"})
    # then
    assert response.status_code == 302
    skurup.refresh_from_db()
    assert skurup.is_active
    assert not PlannedDeletion.objects.filter(organisation_id=skurup.pk).exists()
    kinds = list(PlatformAction.objects.filter(organisation_id=skurup.pk).order_by("pk").values_list("kind", flat=True))
    assert kinds == [ActionKind.MARKED_FOR_DELETION, ActionKind.REACTIVATED, ActionKind.DELETION_CANCELLED]
    [mail] = public_mail("console.reactivated:")
    assert demo_email("skurup", "admin") in mail["to"] and "Nytt avtal" in mail["body"]


def test_suspending_twice_is_refused_with_a_message(skurup):
    services.suspend(organisation=skurup, by=platform_admin(), reason="Test")
    response = console("en").post(f"/konsol/tenants/organisation/{skurup.pk}/suspend/",
                                  {"reason": "Again", "confirm": "on"})
    assert response.status_code == 200 and "is suspended already" in response.content.decode()
    assert PlatformAction.objects.filter(organisation_id=skurup.pk).count() == 1


def test_an_organisations_person_or_a_public_non_superuser_cannot_use_the_console_pages(ystad, skurup):
    from .conftest import client_for, user_in

    # an organisation's admin on their own host: the console is not there
    assert client_for(ystad, user_in(ystad, "admin")).get(
        f"/konsol/tenants/organisation/{skurup.pk}/suspend/").status_code == 404
    # anyone not logged in at the root domain is sent to log in
    anonymous = Client(HTTP_HOST="localhost")
    for path in [f"/konsol/tenants/organisation/{skurup.pk}/suspend/", "/konsol/tenants/organisation/new/",
                 f"/konsol/tenants/organisation/{skurup.pk}/export/"]:
        assert anonymous.get(path).status_code == 302
        assert anonymous.post(path, {"reason": "x", "confirm": "on"}).status_code == 302
    skurup.refresh_from_db()
    assert skurup.is_active


# ---------------------------------------------------------------------------------------- create and first admin


def test_a_platform_admin_creates_an_organisation_and_its_first_admin_is_invited(media):
    client = console()
    assert client.get("/konsol/tenants/organisation/new/").status_code == 200
    # when
    response = client.post("/konsol/tenants/organisation/new/", {
        "name": "Sjöbo kommun", "slug": "sjobo", "kind": "municipality", "organisation_number": "212000-1157",
        "municipality_code": "1265", "email_domains": "sjobo.example", "first_admin_email": "Anna@Sjobo.example",
        "reason": "Order 4711",
    })
    # then the organisation is active with its schema, and its first admin has an invitation e-mailed in its schema
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="sjobo")
    assert organisation.is_active and schema_exists("org_sjobo")
    with schema_context("org_sjobo"):
        from accounts.models import Invitation

        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("anna@sjobo.example", "org_admin")
        mail = OutboxMessage.objects.get(key=f"invitation:{invitation.pk}").payload
    assert mail["to"] == ["anna@sjobo.example"] and "plattformsteam" in mail["body"]
    link = re.search(r"https?://sjobo\.localhost(?::\d+)?(/konto/inbjudan/[^/\s]+/)", mail["body"]).group(1)
    # and the one-time link opens the page to create the account
    assert Client(HTTP_HOST="sjobo.localhost").get(link).status_code == 200
    kinds = list(PlatformAction.objects.filter(organisation_id=organisation.pk).order_by("pk")
                 .values_list("kind", "reason"))
    assert kinds == [(ActionKind.CREATED, "Order 4711"), (ActionKind.INVITED_ADMIN, "Order 4711")]


def test_creating_an_organisation_with_a_taken_number_says_so_and_creates_nothing(ystad):
    response = console("en").post("/konsol/tenants/organisation/new/", {
        "name": "Ystad igen", "slug": "ystad-igen", "kind": "municipality",
        "organisation_number": ystad.organisation_number, "first_admin_email": "a@ystad.example",
    })
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not Organisation.objects.filter(slug="ystad-igen").exists()
    assert not PlatformAction.objects.exists()


# ------------------------------------------------------------------------------------------------------- usage


def test_the_list_shows_usage_measured_in_each_schema_and_does_not_grow_with_organisations(ystad, skurup):
    from console import jobs

    from .test_query_counts import _count

    # given usage measured in Ystad's schema
    with schema_context(ystad.schema_name):
        from accounts.models import User
        from catalog.models import Listing

        people, listings = User.objects.filter(is_active=True).count(), Listing.objects.count()
    usage = jobs.measure(organisation=ystad)
    assert (usage.people, usage.listings) == (people, listings) and usage.last_activity is not None
    client = console("en")
    # then the list shows it
    page = client.get("/konsol/tenants/organisation/").content.decode()
    assert "items mediated" in page.lower()
    # and the list costs as many queries with one more organisation, measured or not, with or without a
    # subscription (plan and billing state, decision 0058)
    few = _count(client, "/konsol/tenants/organisation/")
    jobs.measure(organisation=skurup)
    sjobo = provision_organisation(details=SJOBO)
    assert _count(client, "/konsol/tenants/organisation/") == few
    from billing import services as billing

    billing.start_trial(organisation_id=skurup.pk, plan_code="delbar", band="small")
    billing.start_trial(organisation_id=sjobo.pk, plan_code="delbar", band="small")
    assert _count(client, "/konsol/tenants/organisation/") == few
    assert "Delbar annual subscription (Small)" in client.get("/konsol/tenants/organisation/").content.decode()
    print(f"\nconsole organisation list: {few} queries, whatever the number of organisations")


# ------------------------------------------------------------------------------------------------------ export


def test_an_export_holds_every_row_and_photo_of_the_organisation(media, django_capture_on_commit_callbacks):
    organisation = sjobo_with_admin_and_photo()
    folder = Path(media) / organisation.schema_name
    photos = {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    assert len(photos) == 4  # two photos and their thumbnails
    client = console()
    # when a platform admin asks for an export (built by the Celery task, eager in the tests)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/konsol/tenants/organisation/{organisation.pk}/export/", {"reason": "Begäran"})
    assert response.status_code == 302
    export = OrganisationExport.objects.get(organisation_id=organisation.pk)
    assert export.status == "ready", export.error
    # then it can be downloaded from the organisation's page
    page = client.get(f"/konsol/tenants/organisation/{organisation.pk}/change/").content.decode()
    assert f"/konsol/tenants/organisation/exports/{export.pk}/" in page
    download = client.get(f"/konsol/tenants/organisation/exports/{export.pk}/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    # and its photos are the organisation's, byte for byte
    assert {name.removeprefix("photos/"): archive.read(name) for name in archive.namelist()
            if name.startswith("photos/")} == photos
    # and its rows are what the schema holds, as JSON and as CSV, without secrets
    manifest = json.loads(archive.read("manifest.json"))
    with schema_context(organisation.schema_name):
        from catalog.models import Listing

        titles = set(Listing.objects.values_list("title", flat=True))
        with connection.cursor() as cursor:
            for table, count in manifest["tables"].items():
                cursor.execute(f'SELECT count(*) FROM "{organisation.schema_name}"."{table}"')
                assert cursor.fetchone()[0] == count, table
    listings = json.loads(archive.read("data/json/catalog_listing.json"))
    assert {row["title"] for row in listings} == titles
    users = json.loads(archive.read("data/json/accounts_user.json"))
    assert [row["email"] for row in users] == ["admin@sjobo.example"] and "password" not in users[0]
    csv_rows = archive.read("data/csv/accounts_user.csv").decode().splitlines()
    assert len(csv_rows) == 2 and "password" not in csv_rows[0]
    assert "django_session.json" not in " ".join(archive.namelist())
    assert "# Export of Sjöbo kommun" in archive.read("README.md").decode()
    assert (export.rows, export.photos) == (sum(manifest["tables"].values()), 4)


def test_a_non_superuser_cannot_download_an_export(media):
    from accounts.models import User

    organisation = sjobo_with_admin_and_photo()
    export = services.build_export(export_id=OrganisationExport.objects.create(
        organisation_id=organisation.pk, organisation_name=organisation.name).pk)
    staff = User.objects.create_user(email="staff@delbar.example", password="x" * 20, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    assert client.get(f"/konsol/tenants/organisation/exports/{export.pk}/").status_code in (302, 403)


# ------------------------------------------------------------------------------------------------------ deletion


def test_an_organisation_is_deleted_after_its_grace_period_and_nothing_of_it_is_left(
        media, ystad, django_capture_on_commit_callbacks):
    from exchange import services as exchange

    organisation = sjobo_with_admin_and_photo()
    # given an export, a network it created with Ystad, and its usage measured
    export = services.build_export(export_id=OrganisationExport.objects.create(
        organisation_id=organisation.pk, organisation_name=organisation.name).pk)
    founder = exchange.Actor(organisation_id=organisation.pk, name="Anna Admin", email="admin@sjobo.example")
    network = exchange.create_network(name="Sjöbo med vänner", by=founder)
    assert (Path(media) / export.path).is_file() and (Path(media) / organisation.schema_name).is_dir()
    client = console()
    # when a platform admin marks it for deletion, through the confirmation page
    now = timezone.now()
    response = client.post(f"/konsol/tenants/organisation/{organisation.pk}/delete-later/",
                           {"reason": "Avslutat avtal", "confirm": "on"})
    assert response.status_code == 302
    planned = PlannedDeletion.objects.get(organisation_id=organisation.pk)
    # then it is suspended at once, deleted after 30 days, and its admins are told
    organisation.refresh_from_db()
    assert organisation.is_suspended
    assert timedelta(days=29, hours=23) < planned.due_at - now <= timedelta(days=30, minutes=1)
    [mail] = public_mail("console.deletion:")
    assert mail["to"] == ["admin@sjobo.example"] and "Avslutat avtal" in mail["body"]
    # and the daily job before the date deletes nothing
    assert services.delete_due(now=planned.due_at - timedelta(minutes=1)) == []
    assert schema_exists(organisation.schema_name)
    # when it runs after the date
    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.delete_due(now=planned.due_at + timedelta(minutes=1))
    # then the schema, row, media and exports are gone, and the exchange's records name no person of it
    assert deleted == ["Sjöbo kommun"]
    assert not schema_exists(organisation.schema_name)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not (Path(media) / organisation.schema_name).exists()
    assert not (Path(media) / services.EXPORT_FOLDER / str(organisation.pk)).exists()
    assert not OrganisationExport.objects.filter(organisation_id=organisation.pk).exists()
    network.refresh_from_db()
    assert network.created_by_email == "" and network.name == "Sjöbo med vänner"
    # and the log says it was done, by the platform, after the admin's marking with its reason
    kinds = list(PlatformAction.objects.filter(organisation_id=organisation.pk).order_by("pk")
                 .values_list("kind", "actor_email"))
    assert kinds[-2:] == [(ActionKind.MARKED_FOR_DELETION, platform_admin().email), (ActionKind.DELETED, "")]
    # and its host answers with the 404 page for an address with no organisation
    gone = Client(HTTP_HOST="sjobo.localhost").get("/")
    assert gone.status_code == 404
    assert "<h1>Det finns ingen organisation på den här adressen</h1>" in gone.content.decode()
    # and Delbar's invoices to it would be kept: billing keeps organisation ids, never a foreign key
    from billing.models import Invoice

    assert not any(field.is_relation for field in Invoice._meta.get_fields() if field.name == "organisation_id")


def test_marking_for_deletion_twice_is_refused(skurup):
    services.mark_for_deletion(organisation=skurup, by=platform_admin(), reason="Avslut")
    response = console("en").post(f"/konsol/tenants/organisation/{skurup.pk}/delete-later/",
                                  {"reason": "Avslut", "confirm": "on"})
    assert response.status_code == 404 or "marked for deletion already" in response.content.decode()
    assert PlannedDeletion.objects.filter(organisation_id=skurup.pk).count() == 1


def test_the_platform_action_log_is_read_only_in_the_console(skurup):
    services.suspend(organisation=skurup, by=platform_admin(), reason="Kontroll")
    client = console()
    page = client.get("/konsol/console/platformaction/")
    assert page.status_code == 200 and "Kontroll" in page.content.decode()
    action = PlatformAction.objects.get()
    assert client.post(f"/konsol/console/platformaction/{action.pk}/delete/").status_code == 403


@pytest.mark.parametrize("language,heading", [("sv", "Exportera"), ("en", "Export")])
def test_the_console_pages_render_in_swedish_and_english(skurup, language, heading):
    client = console(language)
    for path in ["suspend", "export", "delete-later"]:
        response = client.get(f"/konsol/tenants/organisation/{skurup.pk}/{path}/")
        assert response.status_code == 200
    assert heading in client.get(f"/konsol/tenants/organisation/{skurup.pk}/change/").content.decode()


def test_the_organisation_page_does_not_grow_with_its_log_and_exports(skurup):
    from .test_query_counts import _count

    client = console()
    few = _count(client, f"/konsol/tenants/organisation/{skurup.pk}/change/")
    for n in range(5):
        with transaction.atomic():
            services.log_action(by=platform_admin(), organisation_id=skurup.pk, organisation_name=skurup.name,
                                kind=ActionKind.EXPORTED, reason=f"n{n}")
        OrganisationExport.objects.create(organisation_id=skurup.pk, organisation_name=skurup.name)
    assert _count(client, f"/konsol/tenants/organisation/{skurup.pk}/change/") == few
    print(f"\nconsole organisation page: {few} queries, whatever the length of its log")


def test_an_export_of_a_demo_organisation_matches_its_schema_and_says_how_long_it_took(ystad, media):
    import time

    # given Ystad as the demo made it (hundreds of rows across its tables)
    export = OrganisationExport.objects.create(organisation_id=ystad.pk, organisation_name=ystad.name)
    # when
    started = time.perf_counter()
    export = services.build_export(export_id=export.pk)
    seconds = time.perf_counter() - started
    # then every table's row count is the schema's
    assert export.status == "ready", export.error
    archive = zipfile.ZipFile(Path(media) / export.path)
    manifest = json.loads(archive.read("manifest.json"))
    with connection.cursor() as cursor:
        for table, count in manifest["tables"].items():
            cursor.execute(f'SELECT count(*) FROM "{ystad.schema_name}"."{table}"')
            assert cursor.fetchone()[0] == count, table
            assert len(json.loads(archive.read(f"data/json/{table}.json"))) == count
    print(f"\nexport of Ystad: {len(manifest['tables'])} tables, {export.rows} rows, {export.photos} photos, "
          f"{export.size:,} bytes in {seconds:.2f} s")


def test_a_platform_admin_invites_an_admin_of_an_existing_organisation(skurup):
    client = console()
    page = f"/konsol/tenants/organisation/{skurup.pk}/invite-admin/"
    assert "Bjud in en administratör för Skurups kommun" in client.get(page).content.decode()
    # when
    response = client.post(page, {"email": "ny.admin@skurup.example", "reason": "Sista admin slutade"})
    # then the invitation is in Skurup's schema, as an organisation admin, and the log says who and why
    assert response.status_code == 302
    with schema_context(skurup.schema_name):
        from accounts.models import Invitation

        invitation = Invitation.objects.get(email="ny.admin@skurup.example")
        assert invitation.role == "org_admin" and invitation.invited_by is None
        assert OutboxMessage.objects.filter(key=f"invitation:{invitation.pk}").exists()
    action = PlatformAction.objects.get(organisation_id=skurup.pk)
    assert (action.kind, action.reason, action.details) == (ActionKind.INVITED_ADMIN, "Sista admin slutade",
                                                            {"email": "ny.admin@skurup.example"})
    # and an address of someone already there is refused with a message
    again = client.post(page, {"email": demo_email("skurup", "admin"), "reason": "Igen"})
    assert again.status_code == 200 and 'id="id_email_error"' in again.content.decode()
