"""Every catalogue page costs the same number of queries however many listings, reservations and photos there are.

One world is built with a little data, every page is counted, the world grows (listings from more departments, more
reservations handed over, cancelled and open, more photos, more categories), and every page is counted again.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import services
from catalog.models import Category

from .admin_support import platform_staff_in
from .catalog_factories import make_listing, photo_upload
from .conftest import client_for, user_in
from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

FEW = 3
MANY = 15
WORD = "mätpall"  # in every listing this test posts, and in no demo listing


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _get(client, path: str):
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the photo's file
    return response


def _count(client, path: str) -> int:
    _get(client, path)  # warm caches (host routing, content types)
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, path)
    assert response.status_code == 200, path
    return len(queries)


class World:
    """The owner's listings with reservations, a colleague's reservations, and colleagues in new departments."""

    def __init__(self, ystad) -> None:
        self.schema = ystad.schema_name
        self.owner = user_in(ystad, "personal")
        self.colleague = user_in(ystad, "chef")
        self.platform_staff = platform_staff_in(ystad)
        self.size = 0
        with schema_context(self.schema):
            self.administration = DepartmentFactory(name="Mätförvaltningen")
            self.categories = list(Category.objects.filter(parent__isnull=False).order_by("pk"))
            self.furniture = Category.objects.get(name="Möbler", parent=None)
            # One listing gathers reservations, another photos.
            self.main = make_listing(author=self.owner, title=f"Stor {WORD}", quantity=500)
            booking_services.reserve_listing(listing=self.main, by=self.colleague, message="Kollegans")
            self.gallery = make_listing(author=self.owner, title=f"Bildrik {WORD}", photos=1)

    def grow_to(self, size: int) -> None:
        with schema_context(self.schema):
            for i in range(self.size, size):
                self._add_one(i)
            photos = min(size, 8) - self.gallery.photos.count()
            if photos > 0:
                services.update_listing(
                    listing=self.gallery, editor=self.owner, details=self._details_of(self.gallery),
                    add_photos=services.prepare_photos([photo_upload() for _ in range(photos)]),
                )
        self.size = size

    def _add_one(self, i: int) -> None:
        member = UserFactory(department=DepartmentFactory(name=f"Mätenhet {i}", parent=self.administration))
        # the owner's listing: one handed over to the member, one open reservation by the colleague
        own = make_listing(author=self.owner, title=f"{WORD} {i}", quantity=3,
                           category_name=self.categories[i % len(self.categories)].name)
        handed = booking_services.reserve_listing(listing=own, by=member)
        booking_services.confirm_handover(booking=handed, by=self.owner)
        booking_services.reserve_listing(listing=own, by=self.colleague, message=f"Hämtar {i}")
        # the member's listing, in their own department: reserved by the colleague, and by the owner, handed over
        theirs = make_listing(author=member, title=f"{WORD} hos enhet {i}", quantity=2, condition="very_good")
        booking_services.reserve_listing(listing=theirs, by=self.colleague)
        received = booking_services.reserve_listing(listing=theirs, by=self.owner)
        booking_services.confirm_handover(booking=received, by=member)
        # the main listing: reserved by the member, then handed over, cancelled or left open
        reservation = booking_services.reserve_listing(listing=self.main, by=member, message=f"Till enhet {i}")
        if i % 3 == 0:
            booking_services.confirm_handover(booking=reservation, by=self.owner)
        elif i % 3 == 1:
            booking_services.cancel_booking(booking=reservation, by=member, reason=f"Ändrade planer {i}")
        services.ensure_categories(tree=[("Möbler", "Furniture", [(f"Mätkategori {i}", f"Test category {i}")])])

    @staticmethod
    def _details_of(listing) -> services.ListingDetails:
        return services.ListingDetails(
            title=listing.title, category=listing.category, department=listing.department,
            contact_person=listing.contact_person, description=listing.description, quantity=listing.quantity,
        )

    def pages(self) -> dict[str, tuple[object, str]]:
        """Name → (viewer, path) for every catalogue page."""
        main, gallery = f"/annonser/{self.main.uuid}/", f"/annonser/{self.gallery.uuid}/"
        filters = (
            f"/?q={WORD}&category={self.furniture.pk}&offer_type=give_away&condition=good"
            f"&department={self.owner.department_id}"
        )
        with schema_context(self.schema):
            photo = self.gallery.photos.first().pk
        return {
            "browse": (self.colleague, "/"),
            "browse, words": (self.colleague, f"/?q={WORD}"),
            "browse, words and filters": (self.colleague, filters),
            "browse, filter only": (self.colleague, "/?condition=very_good"),
            "detail, owner": (self.owner, main),
            "detail, colleague": (self.colleague, main),
            "detail, photos": (self.colleague, gallery),
            "my listings": (self.owner, "/mina-annonser/"),
            "my listings, published": (self.owner, "/mina-annonser/?status=published"),
            "my reservations": (self.colleague, "/mina-reservationer/"),
            "statistics": (self.colleague, "/statistik/"),
            "edit form": (self.owner, f"{gallery}andra/"),
            "create form": (self.owner, "/annonser/ny/"),
            "withdraw form": (self.owner, f"{main}ta-ned/"),
            "photo": (self.colleague, f"/bilder/{photo}/thumb/"),
            "category admin": ("admin", "/administrera/kategorier/"),
            "category admin, Django admin (platform staff)": (self.platform_staff, "/admin/catalog/category/"),
        }


def _count_every_page(ystad, world: World) -> dict[str, int]:
    clients = {}
    counts = {}
    for name, (viewer, path) in world.pages().items():
        person = user_in(ystad, viewer) if isinstance(viewer, str) else viewer
        client = clients.setdefault(person.pk, client_for(ystad, person))
        counts[name] = _count(client, path)
    return counts


def test_no_catalogue_page_grows_in_queries_with_the_data(ystad):
    # given a little data
    world = World(ystad)
    world.grow_to(FEW)
    few = _count_every_page(ystad, world)

    # when there is much more of everything
    world.grow_to(MANY)
    many = _count_every_page(ystad, world)

    # then every page costs what it did
    assert many == few
    # and the pages did show the added data (so the comparison means something)
    page = client_for(ystad, world.owner).get("/mina-annonser/").content.decode()
    assert f"{WORD} {MANY - 1}" in page and f"Hämtar {MANY - 1}" in page
