"""The organisation run from Delbar's own pages, "Administrera" (decision 0039): departments, people, invitations in
bulk — for the organisation's admins only, each organisation its own, in a fixed number of queries, with Swedish
errors beside their fields and never a database constraint's name."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import Department, Invitation, Role, User
from bookings import services as booking_services
from bookings.models import Booking
from catalog.models import Listing
from tests.catalog_factories import make_listing
from tests.factories import DepartmentFactory, InvitationFactory, UserFactory

from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db

PAGES = ["/administrera/", "/administrera/enheter/", "/administrera/personer/", "/administrera/personer/bjud-in/"]


def _admin(organisation):
    return client_for(organisation, user_in(organisation, "admin"))


def _count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _department(organisation, name: str, parent: str | None = None) -> Department:
    with schema_context(organisation.schema_name):
        parent_row = Department.objects.get(name=parent) if parent else None
        return Department.objects.create(name=name, parent=parent_row)


def _person(organisation, email: str, department: Department, role: str = Role.MEMBER) -> User:
    with schema_context(organisation.schema_name):
        return UserFactory(email=email, department=department, role=role)


# ---------------------------------------------------------------------------------------------- who may


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_staff_who_are_not_admins_get_403_on_every_admin_page(ystad, local):
    # given a colleague who is not an organisation admin, and a department and person to aim at
    client = client_for(ystad, user_in(ystad, local))
    person = user_in(ystad, "personal")
    paths = [*PAGES, f"/administrera/enheter/{person.department_id}/", f"/administrera/personer/{person.uuid}/"]

    # then every page and every form answers 403, and nothing changes
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.post("/administrera/enheter/", {"name": "Smygenheten"}).status_code == 403
    assert client.post(f"/administrera/personer/{person.uuid}/",
                       {"action": "deactivate"}).status_code == 403
    with schema_context(ystad.schema_name):
        assert not Department.objects.filter(name="Smygenheten").exists()
        assert User.objects.get(pk=person.pk).is_active


def test_anonymous_visitors_are_sent_to_log_in(ystad):
    for path in PAGES:
        response = client_for(ystad).get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path


def test_another_organisations_admin_gets_404_for_our_departments_people_and_invitations(ystad, skurup):
    # given a department, a person and an invitation of Ystad's that Skurup's schema has no row for
    with schema_context(skurup.schema_name):
        skurup_max = max(Department.objects.order_by("-pk").first().pk, Invitation.objects.count() and
                         Invitation.objects.order_by("-pk").first().pk or 0)
    with schema_context(ystad.schema_name):
        department = Department.objects.create(name="Ystads hemliga enhet")
        while department.pk <= skurup_max:
            department = Department.objects.create(name=f"Ystads hemliga enhet {department.pk}")
        person = UserFactory(email="hemlig.person@ystad.example", department=department)
        invitation = InvitationFactory(department=department, email="hemlig.inbjuden@ystad.example")
        while invitation.pk <= skurup_max:
            invitation = InvitationFactory(department=department)
    client = _admin(skurup)

    # then at Skurup's host, Skurup's admin finds none of them, and changes nothing
    assert client.get(f"/administrera/enheter/{department.pk}/").status_code == 404
    assert client.post(f"/administrera/enheter/{department.pk}/",
                       {"action": "rename", "rename-name": "Övertagen"}).status_code == 404
    assert client.get(f"/administrera/personer/{person.uuid}/").status_code == 404
    assert client.post(f"/administrera/personer/{person.uuid}/", {"action": "deactivate"}).status_code == 404
    assert client.post(f"/administrera/inbjudningar/{invitation.pk}/aterkalla/").status_code == 404
    for path in PAGES:
        body = client.get(path).content.decode()
        assert "hemlig" not in body and "@ystad.example" not in body, path
    with schema_context(ystad.schema_name):
        assert Department.objects.get(pk=department.pk).name.startswith("Ystads hemliga enhet")
        assert User.objects.get(pk=person.pk).is_active


# ---------------------------------------------------------------------------------------------- departments


def test_an_admin_creates_an_administration_and_a_unit_under_it(ystad):
    # when
    client = _admin(ystad)
    created = client.post("/administrera/enheter/", {"name": "  Kultur-   och fritidsförvaltningen ", "parent": ""})
    with schema_context(ystad.schema_name):
        administration = Department.objects.get(name="Kultur- och fritidsförvaltningen")
    unit = client.post("/administrera/enheter/", {"name": "Biblioteket", "parent": administration.pk})

    # then both exist, the unit under the administration, and the tree shows them in order
    assert created.status_code == unit.status_code == 302
    with schema_context(ystad.schema_name):
        assert Department.objects.get(name="Biblioteket").parent_id == administration.pk
    body = client.get("/administrera/enheter/").content.decode()
    assert body.index("Kultur- och fritidsförvaltningen") < body.index("Biblioteket")


def test_a_name_taken_is_refused_in_swedish_beside_the_field_never_with_the_constraints_name(ystad):
    # given an administration with a unit
    _department(ystad, "Tekniska förvaltningen X")
    _department(ystad, "Gata och park", parent="Tekniska förvaltningen X")
    client = _admin(ystad)
    with schema_context(ystad.schema_name):
        parent = Department.objects.get(name="Tekniska förvaltningen X")

    # when the same name is created again (in other letters' case), and a unit is placed under a unit
    taken = client.post("/administrera/enheter/", {"name": "GATA OCH PARK", "parent": parent.pk})

    # then it is refused with a Swedish message on the name, and the constraint's name is nowhere
    assert taken.status_code == 400
    message = taken.context["form"].errors["name"][0]
    assert "Det finns redan" in message and "Gata och park" in message.replace("GATA OCH PARK", "Gata och park")
    body = taken.content.decode()
    assert "department_unique_name_per_parent" not in body and "IntegrityError" not in body
    assert 'class="error-summary"' in body and 'href="#id_name"' in body
    empty = client.post("/administrera/enheter/", {"name": "   "})
    assert empty.status_code == 400 and empty.context["form"].errors["name"] == ["Ge avdelningen ett namn."]


def test_rename_and_move_a_unit_and_make_it_an_administration(ystad):
    # given a unit under one administration
    _department(ystad, "Förvaltning A")
    _department(ystad, "Förvaltning B")
    unit = _department(ystad, "Enhet Ett", parent="Förvaltning A")
    with schema_context(ystad.schema_name):
        target = Department.objects.get(name="Förvaltning B")
    client = _admin(ystad)
    path = f"/administrera/enheter/{unit.pk}/"

    # when it is renamed, moved to B, and then made an administration
    renamed = client.post(path, {"action": "rename", "rename-name": "Enhet Två"})
    moved = client.post(path, {"action": "move", "move-parent": target.pk})
    with schema_context(ystad.schema_name):
        under_b = Department.objects.get(pk=unit.pk).parent_id
    top = client.post(path, {"action": "move", "move-parent": ""})

    # then
    assert renamed.status_code == moved.status_code == top.status_code == 302
    with schema_context(ystad.schema_name):
        unit = Department.objects.get(pk=unit.pk)
    assert (unit.name, under_b, unit.parent_id) == ("Enhet Två", target.pk, None)


def test_an_administration_with_units_cannot_become_a_unit(ystad):
    # given an administration with a unit, and another administration
    administration = _department(ystad, "Förvaltning med enheter")
    _department(ystad, "En enhet", parent="Förvaltning med enheter")
    other = _department(ystad, "Annan förvaltning")

    # when it is moved under the other
    response = _admin(ystad).post(f"/administrera/enheter/{administration.pk}/",
                                  {"action": "move", "move-parent": other.pk})

    # then it is refused, in Swedish, beside the field
    assert response.status_code == 400
    assert "har egna enheter" in response.context["forms"]["move"].errors["parent"][0]


def test_merging_moves_people_invitations_units_and_listings_and_winds_the_department_up(ystad, media):
    # given a department with a person, an invitation and a listing, and another to merge into
    source = _department(ystad, "Gamla enheten")
    target = _department(ystad, "Nya enheten")
    person = _person(ystad, "flyttas@ystad.example", source)
    with schema_context(ystad.schema_name):
        InvitationFactory(department=source, email="inbjuden.flytt@ystad.example")
        listing = make_listing(author=person, title="Skrivbord som flyttar med")

    # when Ystad's admin merges it
    response = _admin(ystad).post(f"/administrera/enheter/{source.pk}/",
                                  {"action": "merge", "merge-target": target.pk})

    # then everything is in the target, and the source is kept, inactive, out of the choices
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        assert User.objects.get(pk=person.pk).department_id == target.pk
        assert Invitation.objects.get(email="inbjuden.flytt@ystad.example").department_id == target.pk
        assert Listing.objects.get(pk=listing.pk).department_id == target.pk
        assert not Department.objects.get(pk=source.pk).is_active
        from accounts.selectors import department_choices
        assert source.pk not in dict(department_choices())


def test_winding_up_is_refused_while_people_belong_to_it(ystad):
    # given a department with a person
    department = _department(ystad, "Enhet med folk")
    _person(ystad, "kvar@ystad.example", department)

    # when the admin winds it up
    response = _admin(ystad).post(f"/administrera/enheter/{department.pk}/",
                                  {"action": "wind_up", "wind_up-listings": "withdraw"})

    # then it is refused with the count, in Swedish, and the department stays active
    assert response.status_code == 409
    assert "1 personer tillhör fortfarande" in str(response.context["forms"]["wind_up"].errors)
    with schema_context(ystad.schema_name):
        assert Department.objects.get(pk=department.pk).is_active


@pytest.mark.parametrize("choice", ["move", "withdraw"])
def test_winding_up_moves_or_withdraws_the_listings(ystad, media, choice):
    # given an empty department with a published listing (posted by someone since moved elsewhere)
    department = _department(ystad, f"Enhet att avveckla {choice}")
    other = _department(ystad, f"Mottagande enhet {choice}")
    poster = _person(ystad, f"postare.{choice}@ystad.example", department)
    with schema_context(ystad.schema_name):
        listing = make_listing(author=poster, title=f"Hylla {choice}")
        User.objects.filter(pk=poster.pk).update(department=other)

    # when the admin winds it up
    response = _admin(ystad).post(f"/administrera/enheter/{department.pk}/", {
        "action": "wind_up", "wind_up-listings": choice, "wind_up-move_to": other.pk if choice == "move" else "",
    })

    # then the listing moved, or was withdrawn with the reason; the department is inactive
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        listing = Listing.objects.get(pk=listing.pk)
        assert not Department.objects.get(pk=department.pk).is_active
    if choice == "move":
        assert (listing.department_id, listing.status) == (other.pk, "published")
    else:
        assert listing.status == "withdrawn" and listing.withdrawn_reason == "Avdelningen har avvecklats."


def test_moving_the_listings_needs_a_department_to_move_them_to(ystad):
    department = _department(ystad, "Enhet utan mål")
    response = _admin(ystad).post(f"/administrera/enheter/{department.pk}/",
                                  {"action": "wind_up", "wind_up-listings": "move", "wind_up-move_to": ""})
    assert response.status_code == 400
    assert response.context["forms"]["wind_up"].errors["move_to"] == ["Välj en avdelning."]
    with schema_context(ystad.schema_name):
        assert Department.objects.get(pk=department.pk).is_active


# ---------------------------------------------------------------------------------------------- people


def test_an_admin_changes_a_persons_role_and_department(ystad):
    # given a member and another department
    department = _department(ystad, "Ny avdelning för Pelle")
    person = _person(ystad, "pelle@ystad.example", department=_department(ystad, "Pelles gamla"))

    # when
    response = _admin(ystad).post(f"/administrera/personer/{person.uuid}/", {
        "action": "change", "change-role": Role.DEPARTMENT_MANAGER, "change-department": department.pk,
        "change-email": person.email, "change-full_name": "Pelle Persson",
    })

    # then
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        person = User.objects.get(pk=person.pk)
    assert (person.role, person.department_id, person.full_name) == (Role.DEPARTMENT_MANAGER, department.pk,
                                                                      "Pelle Persson")


def test_the_only_admin_cannot_be_demoted_or_deactivated(ystad):
    # given Ystad's only admin
    admin = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        assert User.objects.filter(role=Role.ORG_ADMIN, is_active=True).count() == 1
    client = _admin(ystad)

    # when they make themselves a member
    response = client.post(f"/administrera/personer/{admin.uuid}/", {
        "action": "change", "change-role": Role.MEMBER, "change-department": admin.department_id,
        "change-email": admin.email, "change-full_name": admin.full_name,
    })

    # then it is refused: the organisation would have no admin
    assert response.status_code == 409
    assert "enda administratör" in response.context["change"].errors["role"][0]
    with schema_context(ystad.schema_name):
        assert User.objects.get(pk=admin.pk).role == Role.ORG_ADMIN


def test_a_leaver_hands_listings_bookings_and_waiting_places_to_a_colleague_and_is_deactivated(ystad, media):
    # given a leaver who is the contact of a listing, has reserved a colleague's listing, and a colleague
    department = user_in(ystad, "personal").department
    leaver = _person(ystad, "slutar@ystad.example", department)
    colleague = _person(ystad, "tar.over@ystad.example", department)
    owner = user_in(ystad, "chef")
    with schema_context(ystad.schema_name):
        own = make_listing(author=leaver, title="Lämnas över: whiteboard")
        theirs = make_listing(author=owner, title="Reserverad av den som slutar")
        booking = booking_services.reserve_listing(listing=theirs, by=leaver, notify=False)
    client = _admin(ystad)
    page = client.get(f"/administrera/personer/{leaver.uuid}/").content.decode()
    assert "1 annonser, 1 öppna bokningar" in page

    # when deactivated without a colleague, then with one
    refused = client.post(f"/administrera/personer/{leaver.uuid}/", {"action": "deactivate"})
    done = client.post(f"/administrera/personer/{leaver.uuid}/",
                       {"action": "deactivate", "deactivate-colleague": colleague.pk})

    # then the first is refused beside the field; the second hands everything over and deactivates
    assert refused.status_code == 409
    assert "Välj en kollega" in refused.context["deactivate"].errors["colleague"][0]
    assert done.status_code == 302
    with schema_context(ystad.schema_name):
        assert not User.objects.get(pk=leaver.pk).is_active
        assert Listing.objects.get(pk=own.pk).contact_person_id == colleague.pk
        booking = Booking.objects.get(pk=booking.pk)
        assert booking.borrower_uuid == colleague.uuid and booking.borrower_email == colleague.email


def test_nobody_deactivates_themselves(ystad):
    admin = user_in(ystad, "admin")
    response = _admin(ystad).post(f"/administrera/personer/{admin.uuid}/", {"action": "deactivate"})
    assert response.status_code == 409
    with schema_context(ystad.schema_name):
        assert User.objects.get(pk=admin.pk).is_active


# ---------------------------------------------------------------------------------------------- invitations


def test_the_invitation_forms_choose_no_department_for_the_admin(ystad):
    # given the invitation forms, old (/kollegor/) and new
    client = _admin(ystad)
    for path in ("/kollegor/", "/administrera/personer/bjud-in/"):
        form = client.get(path).context["form"]
        # then the department's first choice is "choose", and nothing is chosen
        assert form["department"].value() in (None, "")
        assert form.fields["department"].choices[0][0] == ""
    # and an invitation without a department is refused in Swedish
    response = client.post("/kollegor/", {"email": "utan.enhet@ystad.example", "role": "member", "department": ""})
    assert response.context["form"].errors["department"] == ["Välj en avdelning."]


def test_three_pasted_addresses_are_invited_at_once(ystad, django_capture_on_commit_callbacks):
    # given a department
    department = user_in(ystad, "personal").department
    text = "anna.a@ystad.example\nBo Berg <bo.b@ystad.example>; cia.c@ystad.example"

    # when Ystad's admin pastes three addresses
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin(ystad).post("/administrera/personer/bjud-in/", {
            "addresses": text, "role": Role.MEMBER, "department": department.pk})

    # then three invitations are open, each with an e-mail in the outbox
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        invited = set(Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
                      .values_list("email", flat=True))
    assert {"anna.a@ystad.example", "bo.b@ystad.example", "cia.c@ystad.example"} <= invited


def test_a_bad_pasted_row_invites_nobody_and_the_report_names_each_problem(ystad):
    # given a list with one good address, one outside the domain, a repeat, a member and a non-address
    department = user_in(ystad, "personal").department
    text = "\n".join(["god@ystad.example", "fel@skurup.example", "god@ystad.example", "personal@ystad.example",
                      "inte-en-adress"])
    with schema_context(ystad.schema_name):
        before = Invitation.objects.count()

    # when
    response = _admin(ystad).post("/administrera/personer/bjud-in/", {
        "addresses": text, "role": Role.MEMBER, "department": department.pk})

    # then nothing is invited, and the report has a row for each problem, in Swedish
    assert response.status_code == 400
    with schema_context(ystad.schema_name):
        assert Invitation.objects.count() == before
    report = response.context["report"]
    assert [row.line for row in report.error_rows] == [2, 3, 4, 5]
    body = response.content.decode()
    assert "Inget har importerats" in body
    assert "finns också på rad 1" in body and "inte en e-postadress" in body


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_csv_with_roles_and_departments_by_name(ystad):
    # given a CSV with a header, semicolons, a role and a unit named by its administration
    department = user_in(ystad, "personal").department
    with schema_context(ystad.schema_name):
        parent = Department.objects.filter(pk=department.parent_id).first()
    path = f"{parent.name} > {department.name}" if parent else department.name
    csv = f"E-post;Roll;Enhet\nkalle.csv@ystad.example;Avdelningschef;{path}\nlisa.csv@ystad.example;;\n"

    # when
    response = _admin(ystad).post("/administrera/personer/bjud-in/", {
        "file": _upload(csv.encode("utf-8-sig"), "lista.csv"), "role": Role.MEMBER, "department": department.pk})

    # then both are invited, with the row's role or the page's
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        roles = dict(Invitation.objects.filter(email__endswith=".csv@ystad.example").values_list("email", "role"))
    assert roles == {"kalle.csv@ystad.example": Role.DEPARTMENT_MANAGER, "lisa.csv@ystad.example": Role.MEMBER}


def test_500_people_from_xlsx_with_20_bad_rows_nothing_until_fixed_then_all(ystad, record_property):
    import time

    # given a workbook of 500 people, 20 of them with problems (a bad address, an unknown role or department)
    department = user_in(ystad, "personal").department
    rows = [["E-post", "Roll", "Enhet"]]
    for n in range(500):
        email, role, unit = f"person{n:03d}@ystad.example", "Medarbetare", department.name
        if n % 25 == 0:
            email, role, unit = [(f"person{n:03d}-ystad.example", role, unit),
                                 (email, "Borgmästare", unit),
                                 (email, role, "Ingen sådan enhet")][(n // 25) % 3]
        rows.append([email, role, unit])
    client = _admin(ystad)
    with schema_context(ystad.schema_name):
        before = Invitation.objects.count()

    # when it is uploaded
    started = time.perf_counter()
    refused = client.post("/administrera/personer/bjud-in/", {
        "file": _upload(_xlsx(rows), "personal.xlsx"), "role": Role.MEMBER, "department": ""})
    checked_in = time.perf_counter() - started

    # then nothing is imported, and the report lists exactly the 20 rows
    assert refused.status_code == 400
    assert refused.context["report"].error_count == 20
    assert len(refused.context["report"].rows) == 500
    with schema_context(ystad.schema_name):
        assert Invitation.objects.count() == before

    # when the rows are fixed and the whole list is sent again
    fixed = [rows[0]] + [[f"person{n:03d}@ystad.example", "Medarbetare", department.name] for n in range(500)]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        imported = client.post("/administrera/personer/bjud-in/", {
            "file": _upload(_xlsx(fixed), "personal.xlsx"), "role": Role.MEMBER, "department": ""})
    imported_in = time.perf_counter() - started

    # then all 500 are invited
    assert imported.status_code == 302
    with schema_context(ystad.schema_name):
        assert Invitation.objects.filter(email__startswith="person", email__endswith="@ystad.example",
                                         revoked_at__isnull=True).count() == 500
    record_property("xlsx_500_check_seconds", round(checked_in, 2))
    record_property("xlsx_500_import_seconds", round(imported_in, 2))
    record_property("xlsx_500_import_queries", len(queries))
    print(f"\n500 rows from XLSX: report with 20 bad rows in {checked_in:.2f} s; "
          f"500 invited in {imported_in:.2f} s, {len(queries)} queries")


def test_a_file_that_is_not_a_list_is_refused_beside_the_field(ystad):
    department = user_in(ystad, "personal").department
    response = _admin(ystad).post("/administrera/personer/bjud-in/", {
        "file": _upload(b"PK\x03\x04 not really a workbook", "x.xlsx"), "role": Role.MEMBER,
        "department": department.pk})
    assert response.status_code == 400
    assert "kunde inte läsas" in response.context["form"].errors["file"][0]


# ---------------------------------------------------------------------------------------------- pages


@pytest.mark.parametrize("language,heading", [("sv", "Administrera"), ("en", "Administration")])
def test_the_pages_speak_swedish_and_english_with_specific_titles(ystad, language, heading):
    client = _admin(ystad)
    client.cookies["delbar_language"] = language
    person = user_in(ystad, "personal")
    titles = set()
    for path in [*PAGES, f"/administrera/enheter/{person.department_id}/", f"/administrera/personer/{person.uuid}/"]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{language}">' in body
        titles.add(body.split("<title>")[1].split("</title>")[0])
    assert len(titles) == len(PAGES) + 2  # every page its own title
    assert any(title.startswith(heading) for title in titles)


@pytest.mark.parametrize("path", ["/administrera/enheter/", "/administrera/personer/"])
def test_the_lists_do_not_grow_with_the_data(ystad, path):
    client = _admin(ystad)
    few = _count(client, path)
    with schema_context(ystad.schema_name):
        administration = DepartmentFactory()
        for _n in range(15):
            unit = DepartmentFactory(parent=administration)
            UserFactory(department=unit)
            InvitationFactory(department=unit)
    assert _count(client, path) == few


def test_a_department_and_a_persons_page_do_not_grow_with_the_data(ystad, media):
    # given a department with one person and one listing
    department = _department(ystad, "Räknad enhet")
    person = _person(ystad, "raknad@ystad.example", department)
    with schema_context(ystad.schema_name):
        make_listing(author=person, title="Räknad annons")
    client = _admin(ystad)
    paths = [f"/administrera/enheter/{department.pk}/", f"/administrera/personer/{person.uuid}/"]
    few = [_count(client, path) for path in paths]

    # when it gets more people, listings and units
    with schema_context(ystad.schema_name):
        for n in range(8):
            colleague = UserFactory(department=department)
            make_listing(author=colleague, title=f"Räknad annons {n}")
            Department.objects.create(name=f"Underenhet {n}", parent=None)

    # then the pages cost the same
    assert [_count(client, path) for path in paths] == few


def test_invite_many_itself_invites_everyone_or_nobody(ystad):
    # given a list whose last row names someone already in the organisation
    from accounts import services
    from accounts.errors import AccountError

    admin = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        department = Department.objects.filter(is_active=True).first()
        before = Invitation.objects.count()
        rows = services.rows_from_text("forst@ystad.example\nandra@ystad.example\npersonal@ystad.example")

        # when the service is asked to invite them, skipping the page's report
        with pytest.raises(AccountError) as refused:
            services.invite_many(invited_by=admin, rows=rows, default_role=Role.MEMBER,
                                 default_department=department)

        # then it refuses with the count, and nobody is invited
        assert refused.value.code == "import_has_errors"
        assert "1 rader har fel" in refused.value.message
        assert Invitation.objects.count() == before


def test_a_wound_up_departments_name_stays_taken_and_the_error_says_why(ystad):
    # given a department that was merged into another
    source = _department(ystad, "Nedlagda enheten")
    target = _department(ystad, "Kvarvarande enheten")
    client = _admin(ystad)
    assert client.post(f"/administrera/enheter/{source.pk}/",
                       {"action": "merge", "merge-target": target.pk}).status_code == 302

    # when a new department is given its name
    response = client.post("/administrera/enheter/", {"name": "Nedlagda enheten"})

    # then the refusal says the name is kept by the wound-up department
    assert response.status_code == 400
    assert "avvecklad avdelning" in response.context["form"].errors["name"][0]
