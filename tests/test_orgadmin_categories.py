"""The category tree and the outgoing e-mail in Delbar's own admin pages (decision 0039): every change through
catalog.services, refusals in Swedish beside their fields, read-only e-mail filtered by status, each organisation its
own, in a fixed number of queries."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from catalog.models import Category
from outbox.models import OutboxMessage
from taxonomy import selectors as taxonomy

from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db

PAGES = ["/administrera/kategorier/", "/administrera/e-post/"]


def _admin(organisation):
    return client_for(organisation, user_in(organisation, "admin"))


def _key() -> str:
    return taxonomy.choices()[0][0]


def _category(organisation, name: str, parent: Category | None = None) -> Category:
    with schema_context(organisation.schema_name):
        return Category.objects.create(name=name, parent=parent, parent_depth=parent.depth if parent else None,
                                       platform_key=_key())


def _message(organisation, subject: str, **fields) -> OutboxMessage:
    with schema_context(organisation.schema_name):
        return OutboxMessage.objects.create(kind="email", key=f"test-{uuid.uuid4()}",
                                            payload={"to": ["mottagare@example.org"], "subject": subject}, **fields)


def _count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_an_admin_creates_a_category_under_another_and_it_shows_in_the_tree_with_its_platform_category(ystad):
    # given
    client = _admin(ystad)
    parent = _category(ystad, "Testmöbler")
    key = _key()

    # when
    response = client.post("/administrera/kategorier/", {
        "name": " Sittpallar Q7 ", "name_en": "Stools", "parent": parent.pk, "position": 2, "platform_key": key})

    # then
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        created = Category.objects.get(name="Sittpallar Q7", parent=parent)
    assert (created.name_en, created.position, created.platform_key) == ("Stools", 2, key)
    page = client.get("/administrera/kategorier/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Sittpallar Q7" in page.split('id="tree-heading"')[0]  # the message that it was created
    body = page.split('id="tree-heading"')[1].split('id="create-heading"')[0]
    assert body.index("Testmöbler") < body.index("Sittpallar Q7")
    assert taxonomy.labels()[key] in body


def test_a_new_category_without_a_platform_category_is_refused_in_swedish_beside_the_field(ystad):
    client = _admin(ystad)
    client.cookies["delbar_language"] = "sv"

    response = client.post("/administrera/kategorier/", {"name": "Utan nyckel", "position": 0},
                           HTTP_ACCEPT_LANGUAGE="sv")

    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body and 'href="#id_platform_key"' in body
    assert "plattform" in body.lower()
    with schema_context(ystad.schema_name):
        assert not Category.objects.filter(name="Utan nyckel").exists()


def test_a_category_placed_under_its_own_subcategory_is_refused_and_nothing_moves(ystad):
    # given a category with a subcategory
    client = _admin(ystad)
    client.cookies["delbar_language"] = "sv"
    top = _category(ystad, "Övre")
    below = _category(ystad, "Undre", parent=top)

    # when the top is moved under its own subcategory, and under itself
    under_child = client.post(f"/administrera/kategorier/{top.pk}/", {
        "name": "Övre", "parent": below.pk, "position": 0, "platform_key": _key()}, HTTP_ACCEPT_LANGUAGE="sv")
    under_self = client.post(f"/administrera/kategorier/{top.pk}/", {
        "name": "Övre", "parent": top.pk, "position": 0, "platform_key": _key()}, HTTP_ACCEPT_LANGUAGE="sv")

    # then both are refused in Swedish, beside the field and in the summary, and nothing moved
    for response in (under_child, under_self):
        body = response.content.decode()
        assert response.status_code == 400
        assert 'href="#id_parent"' in body and "under" in body
        assert "constraint" not in body and "category_not_own_parent" not in body
    with schema_context(ystad.schema_name):
        assert Category.objects.get(pk=top.pk).parent_id is None


def test_an_admin_renames_and_moves_a_category(ystad):
    client = _admin(ystad)
    first, second = _category(ystad, "Första"), _category(ystad, "Andra")

    response = client.post(f"/administrera/kategorier/{second.pk}/", {
        "name": "Andra omdöpt", "name_en": "Second", "parent": first.pk, "position": 5, "platform_key": _key()})

    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        moved = Category.objects.get(pk=second.pk)
    assert (moved.name, moved.name_en, moved.parent_id, moved.position) == ("Andra omdöpt", "Second", first.pk, 5)


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_staff_who_are_not_admins_get_403_and_change_nothing(ystad, local):
    client = client_for(ystad, user_in(ystad, local))
    category = _category(ystad, "Skyddad")
    for path in [*PAGES, f"/administrera/kategorier/{category.pk}/"]:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/administrera/kategorier/{category.pk}/", {
        "name": "Kapad", "position": 0, "platform_key": _key()}).status_code == 403
    assert client.post("/administrera/kategorier/", {"name": "Smygkategori", "platform_key": _key()}).status_code == 403
    with schema_context(ystad.schema_name):
        assert Category.objects.get(pk=category.pk).name == "Skyddad"
        assert not Category.objects.filter(name="Smygkategori").exists()


def test_another_organisations_admin_gets_404_for_our_category_and_never_sees_our_mail(ystad, skurup):
    # given a category of Ystad's with an id Skurup's schema has no row for, and an e-mail of Ystad's
    with schema_context(skurup.schema_name):
        skurup_max = Category.objects.order_by("-pk").first().pk
    category = _category(ystad, "Ystads hemliga kategori")
    while category.pk <= skurup_max:
        category = _category(ystad, f"Ystads hemliga kategori {category.pk}")
    _message(ystad, "Ystads hemliga brev")
    client = _admin(skurup)

    # then
    assert client.get(f"/administrera/kategorier/{category.pk}/").status_code == 404
    assert client.post(f"/administrera/kategorier/{category.pk}/", {
        "name": "Övertagen", "position": 0, "platform_key": _key()}).status_code == 404
    for path in PAGES:
        assert "hemlig" not in client.get(path).content.decode(), path
    with schema_context(ystad.schema_name):
        assert Category.objects.get(pk=category.pk).name.startswith("Ystads hemliga kategori")


@pytest.mark.parametrize("language,title", [("sv", "Kategorier"), ("en", "Categories")])
def test_the_pages_speak_swedish_and_english_with_their_own_titles(ystad, language, title):
    client = _admin(ystad)
    client.cookies["delbar_language"] = language
    category = _category(ystad, "Titelkategori")
    titles = []
    for path in [*PAGES, f"/administrera/kategorier/{category.pk}/"]:
        body = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in body
        titles.append(body.split("<title>")[1].split("</title>")[0])
    assert titles[0].startswith(title)
    assert len(set(titles)) == 3


def test_the_outgoing_email_is_listed_newest_first_with_its_error_and_filtered_by_status(ystad):
    # given one sent, one given up with an error, one waiting (dated after the demo world's messages)
    now = timezone.now()
    _message(ystad, "Skickat brev Sändning-ett", created_at=now + timezone.timedelta(minutes=1), delivered_at=now)
    _message(ystad, "Uppgivet brev Sändning-två", created_at=now + timezone.timedelta(minutes=2), dead_at=now,
             last_error="550 mailbox unavailable")
    _message(ystad, "Väntande brev Sändning-tre", created_at=now + timezone.timedelta(minutes=3))
    client = _admin(ystad)

    # when / then every one is listed, newest first, the error shown
    body = client.get("/administrera/e-post/").content.decode()
    assert body.index("Sändning-tre") < body.index("Sändning-två") < body.index("Sändning-ett")
    assert "550 mailbox unavailable" in body and "mottagare@example.org" in body
    # and the filter keeps only those given up
    dead = client.get("/administrera/e-post/?status=dead").content.decode()
    # (markers a random CSRF token in the page cannot contain)
    assert "Sändning-två" in dead and "Sändning-ett" not in dead and "Sändning-tre" not in dead


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_do_not_grow_with_categories_and_messages(ystad, path):
    client = _admin(ystad)
    few = _count(client, path)
    top = _category(ystad, "Mängdkategori")
    for number in range(15):
        _category(ystad, f"Mängd {number}", parent=top)
        _message(ystad, f"Mängdbrev {number}", last_error="fel")
    assert _count(client, path) == few


def test_a_category_page_does_not_grow_with_the_tree(ystad):
    client = _admin(ystad)
    top = _category(ystad, "Sidkategori")
    few = _count(client, f"/administrera/kategorier/{top.pk}/")
    for number in range(15):
        _category(ystad, f"Sid {number}", parent=top)
    assert _count(client, f"/administrera/kategorier/{top.pk}/") == few
