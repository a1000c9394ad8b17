"""One category language (decision 0025): the platform's categories with stable keys in public; every
organisation's seeded categories map to them; an admin maps a new category when creating it."""

from __future__ import annotations

import importlib
import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from catalog import services
from catalog.defaults import CATEGORY_TREE, PLATFORM_KEYS
from catalog.errors import CatalogError
from catalog.models import Category
from taxonomy import selectors as taxonomy
from taxonomy.models import PlatformCategory
from taxonomy.services import sync_platform_categories
from taxonomy.tree import PLATFORM_TREE
from tenants.services import OrganisationDetails, provision_organisation

from .admin_support import assert_sent_to_administrera, platform_staff_in
from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db

KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*$")


def _keys(tree) -> list[str]:
    return [key for node in tree for key in [node.key, *(child.key for child in node.children)]]


def test_the_platform_tree_is_in_public_with_stable_well_formed_keys(db):
    # given the tree in code
    keys = _keys(PLATFORM_TREE)
    # then every key is unique, lower-case and dotted under its parent's
    assert len(keys) == len(set(keys))
    assert all(KEY.match(key) for key in keys)
    for node in PLATFORM_TREE:
        assert all(child.key.startswith(node.key + ".") for child in node.children)
    # and the migration wrote it to public, with the tree's parents
    connection.set_schema_to_public()
    assert set(PlatformCategory.objects.values_list("key", flat=True)) == set(keys)
    chairs = PlatformCategory.objects.select_related("parent").get(key="furniture.office_chairs")
    assert (chairs.name, chairs.name_en, chairs.parent.key) == ("Kontorsstolar", "Office chairs", "furniture")


def test_the_platform_list_lives_only_in_public(ystad):
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = %s",
                       ["taxonomy_platformcategory"])
        assert [row[0] for row in cursor.fetchall()] == ["public"]


def test_synchronising_again_changes_nothing(db):
    assert sync_platform_categories() == 0


def test_labels_follow_the_tree_in_the_language_asked_for(db, in_english):
    labels = taxonomy.labels()
    assert labels["furniture.office_chairs"] == "Furniture › Office chairs"
    assert list(labels)[:2] == ["furniture", "furniture.office_chairs"]
    assert taxonomy.is_key("it.monitors") and not taxonomy.is_key("it.monitor")


@pytest.mark.parametrize("slug", ["ystad", "skurup", "trelleborg", "tomelilla"])
def test_every_seeded_category_of_every_demo_organisation_is_mapped(request, slug):
    organisation = request.getfixturevalue(slug)
    with schema_context(organisation.schema_name):
        categories = list(Category.objects.select_related("parent"))
        # then each has the key of its place in the platform's tree
        assert len(categories) == len(PLATFORM_KEYS)
        for category in categories:
            path = (category.parent.name, category.name) if category.parent else (category.name,)
            assert category.platform_key == PLATFORM_KEYS[path]
        # so Ystad's "Kontorsstolar" and Skurup's are one platform category
        assert Category.objects.get(name="Kontorsstolar").platform_key == "furniture.office_chairs"


def test_a_new_organisation_starts_mapped(db):
    organisation = provision_organisation(details=OrganisationDetails(
        name="Sjöbo kommun", slug="sjobo", kind="municipality", organisation_number="212000-1157",
    ))
    with schema_context(organisation.schema_name):
        assert not Category.objects.filter(platform_key="").exists()
        assert Category.objects.count() == sum(1 + len(children) for _name, _en, children in CATEGORY_TREE)


def test_the_data_migration_maps_seeded_categories_and_leaves_the_rest(ystad):
    # given categories as they were before the keys: the seeded ones and one an admin added
    migration = importlib.import_module("catalog.migrations.0011_category_platform_key")
    with schema_context(ystad.schema_name):
        Category.objects.update(platform_key="")
        furniture = Category.objects.get(name="Möbler")
        own = services.create_category(by=user_in(ystad, "admin"), details=services.CategoryDetails(
            name="Whiteboards", parent=furniture, platform_key="furniture.other"))
        Category.objects.filter(pk=own.pk).update(platform_key="")
        # when the migration's step runs
        from django.apps import apps

        migration.map_seeded_categories(apps, None)
        # then the seeded ones are mapped and the admin's own is left for the admin to map
        assert Category.objects.get(name="Kontorsstolar").platform_key == "furniture.office_chairs"
        assert Category.objects.get(name="Möbler").platform_key == "furniture"
        assert Category.objects.get(pk=own.pk).platform_key == ""
        assert Category.objects.filter(platform_key="").count() == 1


def test_ensure_categories_maps_what_it_finds_unmapped_and_keeps_an_admins_choice(ystad):
    with schema_context(ystad.schema_name):
        Category.objects.filter(name="Skrivbord").update(platform_key="")
        Category.objects.filter(name="Bord").update(platform_key="furniture.desks")
        services.ensure_categories(tree=CATEGORY_TREE, platform_keys=PLATFORM_KEYS)
        assert Category.objects.get(name="Skrivbord").platform_key == "furniture.desks"
        assert Category.objects.get(name="Bord").platform_key == "furniture.desks"


def _refusal(call) -> str:
    with pytest.raises(CatalogError) as refused:
        call()
    return refused.value.code


def test_a_new_category_needs_a_platform_category_that_exists(ystad):
    admin = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler")

        def create(key: str):
            return services.create_category(by=admin, details=services.CategoryDetails(
                name="Whiteboards", parent=furniture, platform_key=key))

        assert _refusal(lambda: create("")) == "platform_key_required"
        assert _refusal(lambda: create("furniture.whiteboards")) == "platform_key_unknown"
        assert create("furniture.other").platform_key == "furniture.other"


def test_the_category_form_asks_for_the_platform_category_and_saves_it(ystad):
    # given Ystad's admin on the form that creates a category (Administrera › Kategorier)
    client = client_for(ystad, user_in(ystad, "admin"))
    form = client.get("/administrera/kategorier/").content.decode()
    assert "Plattformskategori" in form and "Möbler › Kontorsstolar" in form
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler")
    data = {"name": "Ergonomiska stolar", "name_en": "", "parent": furniture.pk, "position": 30}
    # when she leaves it out, then the form says so and nothing is saved
    refused = client.post("/administrera/kategorier/", data)
    assert refused.status_code == 400
    assert "Ergonomiska stolar" in refused.content.decode()  # the form again, as she filled it
    with schema_context(ystad.schema_name):
        assert not Category.objects.filter(name="Ergonomiska stolar").exists()
    # when she chooses office chairs, then the category is saved with that key
    saved = client.post("/administrera/kategorier/", {**data, "platform_key": "furniture.office_chairs"})
    assert saved.status_code == 302
    with schema_context(ystad.schema_name):
        assert Category.objects.get(name="Ergonomiska stolar").platform_key == "furniture.office_chairs"
    # and the list shows each category's platform category
    assert "Möbler › Kontorsstolar" in client.get("/administrera/kategorier/").content.decode()


def test_the_django_admin_form_asks_for_the_platform_category_for_platform_staff_only(ystad):
    # given platform staff on Django admin's add form at Ystad's host (the organisation's admin is sent away)
    assert_sent_to_administrera(client_for(ystad, user_in(ystad, "admin")).get("/admin/catalog/category/add/"),
                                "/administrera/kategorier/")
    client = client_for(ystad, platform_staff_in(ystad))
    form = client.get("/admin/catalog/category/add/").content.decode()
    assert "Plattformskategori" in form and "Möbler › Kontorsstolar" in form
    with schema_context(ystad.schema_name):
        furniture = Category.objects.get(name="Möbler")
    data = {"name": "Ergonomiska stolar", "name_en": "", "parent": furniture.pk, "position": 30, "_save": "Spara"}
    # when it is left out, then the form says so and nothing is saved
    refused = client.post("/admin/catalog/category/add/", data)
    assert refused.status_code == 200
    with schema_context(ystad.schema_name):
        assert not Category.objects.filter(name="Ergonomiska stolar").exists()
    # when office chairs are chosen, then the category is saved with that key
    saved = client.post("/admin/catalog/category/add/", {**data, "platform_key": "furniture.office_chairs"})
    assert saved.status_code == 302
    with schema_context(ystad.schema_name):
        assert Category.objects.get(name="Ergonomiska stolar").platform_key == "furniture.office_chairs"
    # and the list shows each category's platform category
    assert "Möbler › Kontorsstolar" in client.get("/admin/catalog/category/").content.decode()


def test_the_api_lists_each_categorys_platform_key(ystad):
    from .api_support import api_client

    tree = api_client(ystad, user_in(ystad, "personal")).get("/api/categories/").json()
    furniture = next(node for node in tree if node["platform_key"] == "furniture")
    assert {child["platform_key"] for child in furniture["children"]} >= {"furniture.office_chairs"}
