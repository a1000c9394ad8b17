"""Finding 2 of issue 13: an organisation admin could make a category its own parent, after which
``GET /api/listings/?category=<id>`` never answered and held a worker every organisation shares.

Category trees cannot form a cycle — refused by the service, by the category pages (Administrera › Kategorier,
and Django admin's form for platform staff; with a message, not a constraint name) and by the database — and
every walk of the tree is bounded, so that even a cycle forced in by hand answers at once (decision 0018).
"""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from catalog import selectors, services
from catalog.errors import CatalogError
from catalog.limits import CATEGORY_MAX_DEPTH
from catalog.models import Category
from tests.admin_support import assert_sent_to_administrera, platform_staff_in
from tests.api_support import token_client
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def _new(admin, name: str, parent: Category | None = None) -> Category:
    return services.create_category(
        by=admin, details=services.CategoryDetails(name=name, parent=parent, platform_key="other")
    )


def _move(admin, category: Category, parent: Category | None) -> Category:
    details = services.CategoryDetails(name=category.name, name_en=category.name_en, parent=parent)
    return services.update_category(category=category, by=admin, details=details)


def _added_in_admin(ystad, admin, name: str, parent: Category | None = None) -> Category:
    """A category added on the page that creates one (/administrera/kategorier/), as an organisation admin does."""
    data = {"name": name, "name_en": "", "parent": parent.pk if parent else "", "position": 0,
            "platform_key": "other"}
    assert client_for(ystad, admin).post("/administrera/kategorier/", data).status_code == 302
    with schema_context(ystad.schema_name):
        return Category.objects.get(name=name)


@pytest.fixture
def tree(ystad):
    """Ystad's admin and a new branch: Arkiv → Hyllor → Arkivhyllor (a grandparent, its child, its grandchild)."""
    admin = user_in(ystad, "admin")
    top = _added_in_admin(ystad, admin, "Arkiv Q1")
    child = _added_in_admin(ystad, admin, "Hyllor Q1", top)
    grandchild = _added_in_admin(ystad, admin, "Arkivhyllor Q1", child)
    with schema_context(ystad.schema_name):
        yield admin, top, child, grandchild


# ------------------------------------------------------------------------------------------------ the service


def test_the_service_refuses_a_category_as_its_own_parent(tree):
    # given
    admin, top, _child, _grandchild = tree

    # when / then
    with pytest.raises(CatalogError) as refused:
        _move(admin, top, top)
    assert refused.value.code == "category_cycle" and refused.value.field == "parent"


def test_the_service_refuses_a_category_under_its_grandchilds_child(tree):
    # given a fourth level under the grandchild
    admin, top, _child, grandchild = tree
    great_grandchild = _new(admin, "Arkivhyllor, smala", grandchild)

    # when the top is moved under it, or under its own grandchild
    for below in (great_grandchild, grandchild):
        with pytest.raises(CatalogError) as refused:
            _move(admin, top, below)

        # then it is refused, and nothing moved
        assert refused.value.code == "category_cycle"
    top.refresh_from_db()
    assert top.parent_id is None


def test_the_tree_is_at_most_four_levels_deep(tree):
    # given three levels, and a fourth
    admin, top, child, grandchild = tree
    fourth = _new(admin, "Nivå fyra", grandchild)

    # then a fifth is refused, and so is moving the branch under a category of another tree's third level
    with pytest.raises(CatalogError) as refused:
        _new(admin, "Nivå fem", fourth)
    assert refused.value.code == "category_too_deep"
    furniture = Category.objects.get(name="Möbler")
    chairs = Category.objects.get(name="Kontorsstolar")
    with pytest.raises(CatalogError):
        _move(admin, child, chairs)  # Möbler → Kontorsstolar → Hyllor → Arkivhyllor → Nivå fyra: five
    assert CATEGORY_MAX_DEPTH == 4

    # but a move that stays within four levels is made, and the depth below follows it
    moved = _move(admin, grandchild, furniture)
    fourth.refresh_from_db()
    assert (moved.depth, fourth.depth) == (2, 3)


def test_only_an_organisation_admin_changes_the_categories(ystad, tree):
    _admin, top, _child, _grandchild = tree
    with pytest.raises(CatalogError) as refused:
        _move(user_in(ystad, "operator"), top, None)
    assert refused.value.code == "not_allowed"


# ------------------------------------------------------------------------------------------------ the pages


def _change(client, category: Category, **fields):
    """The category's own page (/administrera/kategorier/<id>/), every field sent as the form does."""
    data = {"name": category.name, "name_en": category.name_en, "parent": "", "position": 0,
            "platform_key": category.platform_key or "other"}
    data.update({key: "" if value is None else value for key, value in fields.items()})
    return client.post(f"/administrera/kategorier/{category.pk}/", data)


def test_the_category_page_refuses_a_category_as_its_own_parent_with_a_message(ystad, tree):
    # given the organisation admin on the category's page (Swedish, as the pages are)
    admin, top, _child, _grandchild = tree
    client = client_for(ystad, admin)

    # when they make a category its own parent
    response = _change(client, top, parent=top.pk)

    # then the form is shown again with a clear message by the field, not a constraint's name; nothing changed
    assert response.status_code == 400
    page = response.content.decode()
    assert "En kategori kan inte placeras under sig själv" in page
    assert "category_not_own_parent" not in page and "category_cycle" not in page
    with schema_context(ystad.schema_name):
        top.refresh_from_db()
    assert top.parent_id is None


def test_the_category_page_refuses_a_category_under_its_grandchilds_child_in_english(ystad, tree):
    # given an admin who chose English, and a fourth level
    admin, top, _child, grandchild = tree
    great_grandchild = _added_in_admin(ystad, admin, "Smala arkivhyllor", grandchild)
    client = client_for(ystad, admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # when
    response = _change(client, top, parent=great_grandchild.pk)

    # then
    assert response.status_code == 400
    message = "A category cannot be placed under itself or under one of its own subcategories."
    assert message in response.content.decode()
    with schema_context(ystad.schema_name):
        top.refresh_from_db()
    assert top.parent_id is None


def test_the_category_pages_save_through_the_service(ystad, tree):
    # given
    admin, _top, child, _grandchild = tree
    client = client_for(ystad, admin)
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler")

    # when the admin moves a branch, and adds a category
    moved = _change(client, child, parent=furniture.pk, name="  Hyllor   och ställ ")
    added = client.post("/administrera/kategorier/", {"name": "Arkivlådor", "parent": child.pk, "position": 1,
                                                       "platform_key": "furniture.storage"})

    # and reorders it on its page
    with schema_context(ystad.schema_name):
        boxes = Category.objects.get(name="Arkivlådor")
    reordered = _change(client, boxes, parent=child.pk, position=7)

    # then all are saved, with their depths, and the name tidied as the service does
    assert (moved.status_code, added.status_code, reordered.status_code) == (302, 302, 302)
    with schema_context(ystad.schema_name):
        child.refresh_from_db()
        assert (child.name, child.parent_id, child.depth) == ("Hyllor och ställ", furniture.pk, 2)
        boxes = Category.objects.get(name="Arkivlådor")
        assert (boxes.parent_id, boxes.depth, boxes.position) == (child.pk, 3, 7)


def _change_in_django_admin(client, category: Category, **fields):
    data = {"name": category.name, "name_en": category.name_en, "parent": "", "position": 0,
            "platform_key": category.platform_key or "other", "_save": "Spara"}
    data.update({key: "" if value is None else value for key, value in fields.items()})
    return client.post(f"/admin/catalog/category/{category.pk}/change/", data)


def test_django_admins_form_refuses_a_cycle_for_platform_staff_and_is_not_the_organisation_admins(ystad, tree):
    # given the organisation admin and platform staff, each in Django admin at Ystad's host
    admin, top, child, _grandchild = tree
    staff = client_for(ystad, platform_staff_in(ystad))

    # when the organisation admin posts a change there, then they are sent to the category's own page and nothing
    # changed (Django admin is platform staff's, decision 0039)
    assert_sent_to_administrera(_change_in_django_admin(client_for(ystad, admin), top, name="Kapad"),
                                f"/administrera/kategorier/{top.pk}/")

    # when platform staff make a category its own parent there
    response = _change_in_django_admin(staff, top, parent=top.pk)

    # then the form is shown again with a clear message, not a constraint's name; nothing changed
    assert response.status_code == 200
    page = response.content.decode()
    assert "En kategori kan inte placeras under sig själv" in page
    assert "category_not_own_parent" not in page and "category_cycle" not in page

    # and a reorder in Django admin's list saves through the service
    reordered = staff.post("/admin/catalog/category/?q=Hyllor Q1", {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": child.pk, "form-0-position": "7", "_save": "Spara",
    })
    assert reordered.status_code == 302
    with schema_context(ystad.schema_name):
        top.refresh_from_db()
        child.refresh_from_db()
    assert (top.name, top.parent_id) == ("Arkiv Q1", None)
    assert (child.position, child.depth) == (7, 2)


# ------------------------------------------------------------------------------------------------ the database


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_a_category_as_its_own_parent(tree):
    # given
    _admin, top, _child, _grandchild = tree

    # when / then: written past the service
    with pytest.raises(IntegrityError):
        _raw("UPDATE catalog_category SET parent_id = id WHERE id = %s", [top.pk])
    # and with the depth it would then have
    with pytest.raises(IntegrityError):
        _raw("UPDATE catalog_category SET parent_id = id, parent_depth = 1 WHERE id = %s", [top.pk])


def test_the_database_refuses_a_category_under_its_grandchilds_child(ystad, tree):
    # given
    admin, top, _child, grandchild = tree
    great_grandchild = _added_in_admin(ystad, admin, "Smala hyllor", grandchild)

    # when the top is put under its great-grandchild past the service
    with pytest.raises(IntegrityError):
        _raw("UPDATE catalog_category SET parent_id = %s WHERE id = %s", [great_grandchild.pk, top.pk])
    # whatever depth is claimed for it
    for depth in (1, 2, 3, 4):
        with pytest.raises(IntegrityError):
            _raw(
                "UPDATE catalog_category SET parent_id = %s, parent_depth = %s WHERE id = %s",
                [great_grandchild.pk, depth, top.pk],
            )


def test_two_admins_making_a_cycle_at_once_cannot_both_succeed(ystad, tree):
    # given two top-level categories, and one of them already under the other as someone else's change would
    # leave it (the service of the second admin read the tree before that)
    admin, top, _child, _grandchild = tree
    other = _added_in_admin(ystad, admin, "Lager Q1")
    _raw("UPDATE catalog_category SET parent_id = %s, parent_depth = 1 WHERE id = %s", [top.pk, other.pk])

    # when the second admin's change, checked against the old tree, reaches the database
    with pytest.raises(IntegrityError):
        _raw("UPDATE catalog_category SET parent_id = %s, parent_depth = 1 WHERE id = %s", [other.pk, top.pk])


def test_every_organisation_schema_and_the_template_hold_the_tree_constraints():
    # given every schema with a category table
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'catalog_category'")
        schemas = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT n.nspname, c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.conname IN ('category_parent_depth_fk', 'category_not_own_parent', 'category_depth_limit')"
        )
        constraints = cursor.fetchall()

    # then each has all three
    assert {"tenant_template", "org_ystad", "org_skurup", "org_trelleborg"} <= schemas
    for schema in schemas:
        assert {name for owner, name in constraints if owner == schema} == {
            "category_parent_depth_fk", "category_not_own_parent", "category_depth_limit",
        }, schema


def test_the_migration_cuts_cycles_and_lifts_what_is_too_deep():
    migration = importlib.import_module("catalog.migrations.0008_category_tree_depth")

    # a category its own parent; a cycle of three; a chain of six levels
    assert migration.repaired_tree({1: 1}) == {1: None}
    assert migration.repaired_tree({1: 3, 2: 1, 3: 2}) == {1: None, 2: 1, 3: 2}
    assert migration.repaired_tree({1: None, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5}) == {
        1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 3,
    }


# ------------------------------------------------------------------------------------------------ bounded walks


@pytest.fixture
def forced_cycle(ystad):
    """A cycle forced into Ystad's table as if by hand: the tree's constraints dropped (in this test's transaction,
    which is rolled back), a top-level category placed under its own child, and a category made its own parent.
    Made with what today's main has too (ensure_categories), so that there the test fails instead of hanging."""
    with schema_context(ystad.schema_name):
        services.ensure_categories(
            tree=[("Cykelarkiv", "Archive", [("Cykelhyllor", "Shelves")]), ("Ensam", "Alone", [])]
        )
        top, child, loner = (Category.objects.get(name=name) for name in ("Cykelarkiv", "Cykelhyllor", "Ensam"))
        make_listing(author=user_in(ystad, "personal"), title="Arkivhylla i cykeln", category_name="Cykelhyllor")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a table with checks still pending cannot be altered
            for constraint in (
                "category_parent_depth_fk", "category_not_own_parent", "category_parent_depth_with_parent"
            ):
                cursor.execute(f"ALTER TABLE catalog_category DROP CONSTRAINT IF EXISTS {constraint}")
            cursor.execute("UPDATE catalog_category SET parent_id = %s WHERE id = %s", [child.pk, top.pk])
            cursor.execute("UPDATE catalog_category SET parent_id = id WHERE id = %s", [loner.pk])
    return top, loner


class TooManyQueries(Exception):
    pass


@pytest.fixture
def query_ceiling():
    """Fails a request that issues more than 50 queries: the walk of a cycle used to issue them without end, so
    the test fails instead of hanging (no clocks involved)."""
    issued = []

    def guard(execute, sql, params, many, context):
        issued.append(sql)
        if len(issued) > 50:
            raise TooManyQueries(f"{len(issued)} queries: an unbounded walk")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield issued


def test_searching_a_category_in_a_forced_cycle_answers_at_once(ystad, forced_cycle, query_ceiling):
    # given a cycle in the stored tree
    top, loner = forced_cycle
    client = token_client(ystad, user_in(ystad, "chef"))

    # when a program filters by a category in the cycle, or by the category that is its own parent
    in_cycle = client.get(f"/api/listings/?category={top.pk}")
    own_parent = client.get(f"/api/listings/?category={loner.pk}")

    # then both answer, with what the walk reached: each category once
    assert in_cycle.status_code == 200 and own_parent.status_code == 200
    assert [item["title"] for item in in_cycle.json()["results"]] == ["Arkivhylla i cykeln"]
    assert own_parent.json()["count"] == 0
    assert len(query_ceiling) < 50


def test_the_pages_and_the_category_list_answer_despite_a_forced_cycle(ystad, forced_cycle, query_ceiling):
    # given
    top, _loner = forced_cycle
    person = user_in(ystad, "chef")

    # when
    page = client_for(ystad, person).get(f"/?category={top.pk}")
    categories = token_client(ystad, person).get("/api/categories/")

    # then the search page answers, and the tree lists what hangs from a top-level category, leaving the cycle out
    assert page.status_code == 200
    assert categories.status_code == 200
    names = [item["name"] for item in categories.json()]
    assert "Cykelarkiv" not in names and "Ensam" not in names and "Möbler" in names
    with schema_context(ystad.schema_name):
        assert top.pk not in [node.pk for node in selectors.categories()]
