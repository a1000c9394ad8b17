"""Reads for listings and statistics, in the current organisation's schema. Bookings have their own
(``bookings.selectors``); a listing's ``quantity_available`` is what is free now, derived from them.

Every function here issues a fixed number of queries whatever the amount of data (tests/test_catalog_page_queries.py,
tests/test_api_isolation_and_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, Greatest
from django.utils import timezone
from django.utils.text import Truncator

from accounts import selectors as people
from bookings import selectors as bookings

from .lifecycle import LISTING, ListingStatus
from .limits import CATEGORY_MAX_DEPTH
from .models import (
    SEARCH_CONFIG,
    Category,
    Condition,
    Listing,
    ListingPhoto,
    OfferType,
    PendingPhoto,
    Place,
    PostingDefaults,
    Reach,
    RentPeriod,
    SharingSettings,
)
from .permissions import DEPARTMENT_MANAGER, RUNS_THE_SERVICE, can_manage_listing, can_see_listing, is_poster_or_contact
from .search import (
    ORDERS,
    RANK_WEIGHTS,
    RANKED,
    Nearness,
    SearchResults,
    closest_words,
    search,
    text_query,
    text_query_text,
    with_photos,
)
from .search_text import query_terms, title_suffixes

if TYPE_CHECKING:
    from accounts.models import Department

# The rules other apps ask about a listing (bookings: who acts for the owner side).
__all__ = [
    "LISTING", "ORDERS", "ListingStatus", "Reach", "can_manage_listing", "can_see_listing", "is_poster_or_contact",
]


def categories() -> list[Category]:
    """The whole tree in one query, each category followed by its subcategories (for menus and select lists).

    Each node's ``parent`` is the node in this list, so walking up costs no query (``category_path``). Only what
    hangs from a top-level category, at most CATEGORY_MAX_DEPTH deep, is listed: even a cycle forced into the
    table by hand is left out instead of looping.
    """
    nodes = list(Category.objects.order_by("position", "name"))
    by_id = {node.pk: node for node in nodes}
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        if node.parent_id is not None and node.parent_id in by_id:
            node.parent = by_id[node.parent_id]
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Category] = []
    stack = [(root, 1) for root in reversed(children.get(None, []))]
    while stack:
        node, level = stack.pop()
        ordered.append(node)
        if level < CATEGORY_MAX_DEPTH:
            stack.extend((child, level + 1) for child in reversed(children.get(node.pk, [])))
    return ordered


def category_path(node: Category) -> list[Category]:
    """The node's ancestors from the top down, the node last, as loaded by ``categories()``."""
    path = [node]
    while path[-1].parent_id is not None and len(path) < CATEGORY_MAX_DEPTH:
        path.append(path[-1].parent)
    return path[::-1]


def category(*, pk: int) -> Category | None:
    return Category.objects.filter(pk=pk).first()


# Tree walks in one query each, bounded twice over: by a number of levels, and by the path walked so far, which a
# cycle would revisit. The database refuses cycles (migration 0007); these hold even on data forced in by hand.
_DOWN = """
WITH RECURSIVE tree (id, level, path) AS (
    SELECT id, 1, ARRAY[id] FROM {table} WHERE id = %(start)s
    UNION ALL
    SELECT child.id, tree.level + 1, tree.path || child.id
    FROM {table} child JOIN tree ON child.parent_id = tree.id
    WHERE tree.level < %(levels)s AND child.id <> ALL(tree.path)
)
"""
_UP = """
WITH RECURSIVE tree (id, parent_id, level, path) AS (
    SELECT id, parent_id, 1, ARRAY[id] FROM {table} WHERE id = %(start)s
    UNION ALL
    SELECT parent.id, parent.parent_id, tree.level + 1, tree.path || parent.id
    FROM {table} parent JOIN tree ON parent.id = tree.parent_id
    WHERE tree.level < %(levels)s AND parent.id <> ALL(tree.path)
)
"""


def _walk(sql: str, tail: str, *, start: int, levels: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=Category._meta.db_table) + tail, {"start": start, "levels": levels})
        return cursor.fetchall()


def category_and_descendants(category: Category) -> list[int]:
    """The category's id and those of every category under it (at most CATEGORY_MAX_DEPTH levels)."""
    return [pk for (pk,) in _walk(_DOWN, "SELECT id FROM tree", start=category.pk, levels=CATEGORY_MAX_DEPTH)]


def category_ancestry(category: Category) -> list[int]:
    """Ids from the top-level category down to this one, as stored now. Longer than CATEGORY_MAX_DEPTH only if
    the stored tree is broken; then it stops one past the limit."""
    rows = _walk(_UP, "SELECT id FROM tree ORDER BY level DESC", start=category.pk, levels=CATEGORY_MAX_DEPTH + 1)
    return [pk for (pk,) in rows]


def category_height(category: Category) -> int:
    """How many levels the category and its subcategories span, as stored now (1: it has none)."""
    rows = _walk(_DOWN, "SELECT max(level) FROM tree", start=category.pk, levels=CATEGORY_MAX_DEPTH + 1)
    return rows[0][0] or 1


def open_listing_counts_by_department() -> dict[int, int]:
    """How many open listings (draft, published, reserved) each department has: one query."""
    rows = (
        Listing.objects.filter(status__in=(ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.RESERVED))
        .values("department_id").annotate(count=Count("pk")).order_by()
    )
    return {row["department_id"]: row["count"] for row in rows}


def listing_count_of_department(*, department) -> tuple[int, int]:
    """(every listing, open listings) of ``department``: one query."""
    open_statuses = (ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.RESERVED)
    figures = Listing.objects.filter(department=department).aggregate(
        every=Count("pk"), open=Count("pk", filter=Q(status__in=open_statuses))
    )
    return figures["every"], figures["open"]


def listings_in_charge_count(*, user) -> int:
    """How many listings ``user`` is the contact person of, or posted and are still open: what a leaver hands over."""
    open_statuses = (ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.RESERVED)
    return Listing.objects.filter(Q(contact_person=user) | Q(created_by=user, status__in=open_statuses)).count()


def search_listings(
    *,
    query: str = "",
    category: Category | None = None,
    offer_type: str = "",
    condition: str = "",
    department: Department | None = None,
    order: str = "",
    near: Nearness | None = None,
) -> SearchResults | QuerySet[Listing]:
    """Published listings matching every word of ``query``, best first; without words, newest first. ``order``
    (search.ORDERS) asks for newest or nearest (``near``) first instead.

    A department includes every department under it: a förvaltning's listings are those of its enheter too.
    How words match and are ranked, and why at most search.RANKED matches are ranked: catalog/search.py.
    Either answer can be counted, sliced into pages (two queries a page) and iterated.
    """
    queryset = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    if category is not None:
        queryset = queryset.filter(category_id__in=category_and_descendants(category))
    if offer_type:
        queryset = queryset.filter(offer_type=offer_type)
    if condition:
        queryset = queryset.filter(condition=condition)
    if department is not None:
        queryset = queryset.filter(department_id__in=people.department_subtree(department_id=department.pk))
    return search(queryset, query, order=order, near=near)


def nearness(*, user, tree: list[tuple[Department, int]] | None = None) -> Nearness:
    """What "nearest" means for ``user`` (search.Nearness): their department, then the rest of their förvaltning.
    ``tree``: accounts.selectors.department_order(), if the caller has it already (else one query)."""
    if not getattr(user, "department_id", None):
        return Nearness()
    tree = people.department_order() if tree is None else tree
    parents = {department.pk: department.parent_id for department, _depth in tree}
    top = user.department_id
    for _step in range(len(parents)):
        if parents.get(top) is None:
            break
        top = parents[top]
    family = {top}
    for department, _depth in tree:  # the tree's order: a parent comes before its children
        if department.parent_id in family:
            family.add(department.pk)
    return Nearness(own=frozenset({user.department_id}), family=frozenset(family))


def listing_for(*, uuid, user) -> Listing | None:
    """A listing as ``user`` may see it: drafts and withdrawn listings only for those who manage them."""
    listing = (
        with_photos(Listing.objects.select_related("contact_person", "created_by", "department__parent"))
        .filter(uuid=uuid)
        .first()
    )
    return listing if listing is not None and can_see_listing(user, listing) else None


def listings_titled(*, titles: list[str]) -> dict[str, Listing]:
    """Listings by their exact title (the demo seed finds the ones it posted)."""
    queryset = Listing.objects.select_related("created_by", "contact_person", "department").filter(title__in=titles)
    return {listing.title: listing for listing in queryset}


def photo_for(*, pk: int, user) -> ListingPhoto | None:
    """A listing's photo if ``user`` may see the listing (drafts and withdrawn ones only for those who manage them)."""
    photo = (
        ListingPhoto.objects.select_related("listing", "listing__created_by", "listing__contact_person")
        .filter(pk=pk)
        .first()
    )
    return photo if photo is not None and can_see_listing(user, photo.listing) else None


def my_listings(*, user, status: str = "") -> QuerySet[Listing]:
    """Listings the user posted or is the contact person for, newest first, with their open bookings (waiting for
    a handover or a pick-up)."""
    queryset = Listing.objects.filter(Q(created_by=user) | Q(contact_person=user))
    if status:
        queryset = queryset.filter(status=status)
    return with_photos(
        queryset.annotate(open_reservations=bookings.open_bookings_expression()).order_by("-created_at", "-pk")
    )


def department_listings(*, department_id: int, status: str = "") -> QuerySet[Listing]:
    """Every listing of a department and of the departments under it (a förvaltning's include its enheter), newest
    first, with their open bookings: "Mina annonser" of a department manager, an operator or an admin."""
    queryset = Listing.objects.filter(department_id__in=people.department_subtree(department_id=department_id))
    if status:
        queryset = queryset.filter(status=status)
    return with_photos(
        queryset.annotate(open_reservations=bookings.open_bookings_expression()).order_by("-created_at", "-pk")
    )


def departments_to_list(*, user) -> list[tuple[int, str]]:
    """The departments whose listings ``user`` may list on "Mina annonser", in the tree's order, enheter indented:
    every department for operators and admins, a department manager's own and those under it; none for others."""
    if runs_the_service(user):
        return people.department_choices()
    if user.role != DEPARTMENT_MANAGER or user.department_id is None:
        return []
    shown, depth_of_own = [], None
    for department, depth in people.department_order():
        if department.pk == user.department_id:
            depth_of_own = depth
        elif depth_of_own is not None and depth <= depth_of_own:
            break  # past the manager's department and those under it
        if depth_of_own is not None:
            shown.append((department.pk, "\u2003" * (depth - depth_of_own) + department.name))
    return shown


@dataclass(frozen=True)
class MonthFigures:
    month: date
    posted: int
    mediated: int
    loans: int
    given: int = 0  # items to other organisations (deals between organisations), every kind
    received: int = 0  # items from other organisations


@dataclass(frozen=True)
class DepartmentFigures:
    department: str
    administration: str
    posted: int
    mediated: int
    loans: int
    given: int = 0
    received: int = 0
    department_id: int | None = None


@dataclass(frozen=True)
class Statistics:
    year: int
    posted: int
    mediated: int
    handovers: int
    loans: int
    months: list[MonthFigures]
    departments: list[DepartmentFigures]
    given: int = 0
    received: int = 0


def _year_range(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def statistics_period(*, year: int) -> tuple[datetime, datetime]:
    """[start, end) of ``year`` in the organisation's time, as the statistics count it."""
    return _year_range(year)


def statistics(
    *, year: int, received_by_month: dict[int, int] | None = None,
    received_by_department: dict[int | None, int] | None = None,
) -> Statistics:
    """Listings posted (published), items mediated (the quantity of reservations handed over) and loans (loans and
    rentals picked up) inside the organisation in ``year``, and items given to other organisations (every kind of
    deal), per month and department. What other organisations gave is read above catalog, in the exchange, and
    passed in (``received_by_*``: month or this schema's department id → items).

    Months and years are counted in Swedish time. Five queries, whatever the amount of data. Handovers and loans
    count under the department that gave them when they changed hands (the booking's giving department). A loan is
    not an item mediated: it comes back. A booking that carries out a deal counts as given, not as mediated or lent.
    """
    received_by_month = received_by_month or {}
    received_by_department = received_by_department or {}
    start, end = _year_range(year)
    posted = Listing.objects.filter(published_at__gte=start, published_at__lt=end)
    posted_by_month = dict(
        posted.annotate(m=ExtractMonth("published_at")).values("m").annotate(n=Count("pk")).values_list("m", "n")
    )
    changes = bookings.changed_hands(start=start, end=end)
    months = [
        MonthFigures(
            month=date(year, m, 1),
            posted=posted_by_month.get(m, 0),
            mediated=changes.mediated_by_month.get(m, 0),
            loans=changes.loans_by_month.get(m, 0),
            given=changes.given_by_month.get(m, 0),
            received=received_by_month.get(m, 0),
        )
        for m in range(1, 13)
    ]
    posted_by_department = dict(posted.values("department").annotate(n=Count("pk")).values_list("department", "n"))
    ids = (
        set(posted_by_department) | set(changes.mediated_by_department) | set(changes.loans_by_department)
        | set(changes.given_by_department) | set(received_by_department)
    )
    departments = [
        DepartmentFigures(
            department=department.name,
            administration=department.parent.name if department.parent_id else "",
            posted=posted_by_department.get(department.pk, 0),
            mediated=changes.mediated_by_department.get(department.pk, 0),
            loans=changes.loans_by_department.get(department.pk, 0),
            given=changes.given_by_department.get(department.pk, 0),
            received=received_by_department.get(department.pk, 0),
            department_id=department.pk,
        )
        for department in people.departments().filter(pk__in=ids)
    ]
    departments.sort(key=lambda row: (-row.mediated, -row.loans, -(row.given + row.received), -row.posted,
                                      row.administration, row.department))
    return Statistics(
        year=year,
        posted=sum(month.posted for month in months),
        mediated=sum(month.mediated for month in months),
        handovers=sum(changes.handovers_by_month.values()),
        loans=sum(month.loans for month in months),
        months=months,
        departments=departments,
        given=sum(month.given for month in months),
        received=sum(month.received for month in months),
    )


def posted_by_year() -> dict[int, int]:
    """Listings published per year (Swedish time), in one query: for the open data (decision 0034)."""
    from django.db.models.functions import ExtractYear

    return dict(Listing.objects.filter(published_at__isnull=False).annotate(y=ExtractYear("published_at"))
                .values("y").annotate(n=Count("pk")).values_list("y", "n").order_by())


def posted_by_month() -> dict[date, int]:
    """Listings published per month (its first day, in the current time zone), in one query: for the public
    ledger of figures (decision 0035)."""
    from django.db.models.functions import TruncMonth

    return {timezone.localtime(month).date() if hasattr(month, "hour") else month: n
            for month, n in Listing.objects.filter(published_at__isnull=False)
            .annotate(m=TruncMonth("published_at")).values("m").annotate(n=Count("pk")).values_list("m", "n")
            .order_by()}


def statistics_years() -> list[int]:
    """Years that have listings, newest first, always including this year."""
    this_year = timezone.localdate().year
    first = Listing.objects.filter(published_at__isnull=False).order_by("published_at").values_list(
        "published_at", flat=True
    ).first()
    first_year = timezone.localtime(first).year if first else this_year
    return list(range(this_year, min(first_year, this_year) - 1, -1))


def default_reach() -> str:
    """How far the organisation's new listings are shared unless their poster chooses (models.Reach)."""
    value = SharingSettings.objects.values_list("default_reach", flat=True).first()
    return value or Reach.ORGANISATION


def reach_choices() -> list[tuple[str, str]]:
    """The reaches a listing may have, (value, label), for forms outside catalog."""
    return list(Reach.choices)


# ------------------------------------------------------------------------ search, for the exchange's offers too

def category_choices() -> list[tuple[str, str]]:
    """The category tree as (pk, label) select options, each named by its path ("Möbler › Kontorsstolar")."""
    return [(str(node.pk), " › ".join(step.display_name for step in category_path(node))) for node in categories()]


def platform_keys_under(*, category: Category) -> list[str]:
    """The platform keys (taxonomy) of the category and of every category under it, without blanks."""
    keys = Category.objects.filter(pk__in=category_and_descendants(category)).values_list("platform_key", flat=True)
    return sorted({key for key in keys if key})


def offer_labels() -> dict[str, dict[str, str]]:
    """Labels of a listing's condition, offer type and rent period, by value: the exchange's offers hold values."""
    return {
        "condition": dict(Condition.choices),
        "offer_type": dict(OfferType.choices),
        "rent_period": dict(RentPeriod.choices),
    }


def offer_type_choices() -> list[tuple[str, str]]:
    return list(OfferType.choices)


def search_terms(*, query: str) -> list[str]:
    """The words of a search as catalog searches them (catalog.search_text)."""
    return query_terms(query)


def title_endings(*, title: str) -> str:
    """The endings of a title's words, indexed so that a word inside a compound is found (catalog.search_text)."""
    return title_suffixes(title)


def text_search_query(*, terms: list[str]):
    """The full-text query for the words, each a prefix (catalog.search)."""
    return text_query(terms)


def text_search_config_and_text(*, terms: list[str]) -> tuple[str, str]:
    """The text search configuration and the tsquery text of text_search_query, for a query written in SQL."""
    return SEARCH_CONFIG, text_query_text(terms)


def search_rank_weights() -> list[float]:
    return list(RANK_WEIGHTS)


def search_ranked_limit() -> int:
    return RANKED


def closest_title_words(*, terms: list[str]) -> list[str]:
    """Each word replaced by the most similar word of this organisation's titles (itself, if it is one)."""
    return closest_words(terms)


# ------------------------------------------------------------------------------------------------ the exchange

# What of a listing's description the exchange shows other organisations (their staff open the whole listing by
# asking its contact person).
SHARED_EXCERPT_LENGTH = 500
# Listings other organisations may see (reach permitting): published, with something left to ask for.
OFFERED = Q(status=ListingStatus.PUBLISHED) & ~Q(reach=Reach.ORGANISATION)


@dataclass(frozen=True)
class SharedPhoto:
    """One of a listing's photos as the exchange copies it (decision 0029): the stored, re-encoded WebP files (no
    EXIF), by their names in the default storage. ``key`` names the photo for good: a photo's files are never
    changed, only added or removed, and their names are never reused."""

    key: str
    image: str
    thumbnail: str
    width: int
    height: int


def photo_key(name: str) -> str:
    """The key of a stored photo: its file's name without folder and suffix (a random hex string)."""
    return PurePosixPath(name).stem


@dataclass(frozen=True)
class SharedListing:
    """A listing as the exchange may copy it (decision 0025): only what was chosen for publication, and only when
    ``offered``; otherwise just its identity and version, so that the exchange removes its copy. ``photos`` in the
    listing's order."""

    uuid: str
    version: int
    offered: bool
    reach: str = ""
    title: str = ""
    excerpt: str = ""
    category_key: str = ""
    condition: str = ""
    quantity_available: int = 0
    offer_type: str = ""
    price: object = None  # Decimal | None
    rent_period: str = ""
    contact_name: str = ""
    contact_email: str = ""
    published_at: datetime | None = None
    photos: tuple[SharedPhoto, ...] = ()


def _shared(listing: Listing, offered: bool) -> SharedListing:
    if not offered:
        return SharedListing(uuid=str(listing.uuid), version=listing.version, offered=False)
    return SharedListing(
        uuid=str(listing.uuid), version=listing.version, offered=True, reach=listing.reach, title=listing.title,
        excerpt=Truncator(listing.description).chars(SHARED_EXCERPT_LENGTH),
        category_key=listing.category.platform_key, condition=listing.condition,
        quantity_available=listing.quantity_available, offer_type=listing.offer_type, price=listing.price,
        rent_period=listing.rent_period, contact_name=listing.contact_person.get_full_name(),
        contact_email=listing.contact_person.email, published_at=listing.published_at,
        photos=tuple(
            SharedPhoto(key=photo_key(photo.image.name), image=photo.image.name, thumbnail=photo.thumbnail.name,
                        width=photo.width, height=photo.height)
            for photo in listing.photos.all()
        ),
    )


def _shared_rows() -> QuerySet[Listing]:
    # The photos in one more query (in their order, ListingPhoto.Meta), unlocked: a listing's photos change only
    # under its lock, which these rows are read under.
    return Listing.objects.select_related("category", "contact_person").prefetch_related("photos").annotate(
        offered=ExpressionWrapper(OFFERED, output_field=BooleanField()),
        quantity_available=bookings.free_now_expression(),
    )


def shared_listing(*, uuid) -> SharedListing | None:
    """The listing as the exchange may copy it, read under a row lock held until the transaction ends: no service
    changes it meanwhile (they lock it too), and two deliveries for one listing take turns, so what the exchange
    writes is the newest. None if there is no such listing."""
    listing = _shared_rows().select_for_update(of=("self",), no_key=True).filter(uuid=uuid).first()
    return None if listing is None else _shared(listing, listing.offered)


def shared_listings(*, uuids) -> list[SharedListing]:
    """The listings of ``uuids`` as the exchange may copy them, under the same row lock (for the reconciliation)."""
    return [_shared(listing, listing.offered) for listing in
            _shared_rows().select_for_update(of=("self",), no_key=True).filter(uuid__in=list(uuids)).order_by("pk")]


def offered_versions() -> dict[str, int]:
    """Every listing other organisations may see (reach permitting), by UUID, with its version: what the exchange
    should hold for this organisation."""
    return {str(uuid): version for uuid, version in Listing.objects.filter(OFFERED).values_list("uuid", "version")}


def offered_photo_keys() -> dict[str, tuple[str, ...]]:
    """The keys of every offered listing's photos (``photo_key``), in order, by the listing's UUID; a listing without
    photos is left out. One query: the reconciliation compares them with the exchange's copies."""
    keys: dict[str, list[str]] = {}
    rows = (
        ListingPhoto.objects.filter(listing__in=Listing.objects.filter(OFFERED).values("pk"))
        .order_by("listing_id", "position", "id")
        .values_list("listing__uuid", "image")
    )
    for uuid, image in rows:
        keys.setdefault(str(uuid), []).append(photo_key(image))
    return {uuid: tuple(names) for uuid, names in keys.items()}


def listing_versions(*, uuids) -> dict[str, int]:
    return {str(uuid): version for uuid, version in
            Listing.objects.filter(uuid__in=list(uuids)).values_list("uuid", "version")}


def listing_by_uuid(*, uuid) -> Listing | None:
    """The listing with this UUID, whoever asks: for services that have checked who acts themselves (a deal between
    organisations names its listing by UUID)."""
    return Listing.objects.select_related("contact_person", "category").filter(uuid=uuid).first()


def runs_the_service(user) -> bool:
    """Operators and organisation admins: who sees and acts on everything of the organisation."""
    return user.is_authenticated and user.is_active and user.role in RUNS_THE_SERVICE


def managed_listing_uuids(*, user) -> QuerySet:
    """A subquery of the UUIDs of the listings that are ``user``'s own on "Mina annonser": what they answer
    other organisations' requests for: those they posted or are the contact person for."""
    return Listing.objects.filter(Q(created_by=user) | Q(contact_person=user)).values("uuid")


# ------------------------------------------------------------------------------------------- posting from a phone


def places(*, include_retired: bool = False) -> QuerySet[Place]:
    """The organisation's saved places by name; those in use only, unless ``include_retired``."""
    queryset = Place.objects.order_by("-is_active", "name") if include_retired else Place.objects.filter(
        is_active=True).order_by("name")
    return queryset


def place(*, pk: int) -> Place | None:
    return Place.objects.filter(pk=pk).first()


def posting_defaults(*, user) -> dict:
    """What ``user``'s next listing form starts with: the department, contact person and place (or address) of
    their last listing, where still valid; otherwise their own department and themselves. One query."""
    initial: dict = {"department": user.department_id, "contact_person": user.pk}
    remembered = (
        PostingDefaults.objects.select_related("contact_person", "place").filter(user=user).first()
    )
    if remembered is None:
        return initial
    if remembered.department_id is not None:
        initial["department"] = remembered.department_id
    contact = remembered.contact_person
    if contact is not None and contact.is_active:
        initial["contact_person"] = contact.pk
    if remembered.place is not None and remembered.place.is_active:
        initial["place"] = remembered.place.pk
        if remembered.room and remembered.room != remembered.place.room:
            initial["room"] = remembered.room
    elif remembered.place_id is None:
        initial.update(address=remembered.address, building=remembered.building, room=remembered.room)
    return initial


def _uuid_strings(values) -> list[str]:
    import uuid as uuid_module

    result = []
    for value in values:
        try:
            result.append(str(uuid_module.UUID(str(value))))
        except ValueError:
            continue
    return list(dict.fromkeys(result))


def pending_photos(*, owner, uuids) -> list[PendingPhoto]:
    """The owner's pending photos of ``uuids``, in that order; others' and those gone are left out. One query."""
    wanted = _uuid_strings(uuids)
    if not wanted:
        return []
    found = {str(row.uuid): row for row in PendingPhoto.objects.filter(owner=owner, uuid__in=wanted)}
    return [found[key] for key in wanted if key in found]


def pending_photo(*, owner, uuid) -> PendingPhoto | None:
    found = pending_photos(owner=owner, uuids=[uuid])
    return found[0] if found else None


@dataclass(frozen=True)
class CategorySuggestion:
    category_id: int
    label: str  # its path, "Möbler › Kontorsstolar", in the language of the request
    score: float


SUGGESTIONS = 3
# How many earlier listings matching the title's words are read to see which categories they were filed under.
SUGGESTION_EVIDENCE = 300
# A category name this similar to a stretch of the title (pg_trgm's word_similarity) counts as named by it.
NAME_SIMILARITY = 0.35
SUGGESTION_THRESHOLD = 0.3


def suggest_categories(*, title: str, limit: int = SUGGESTIONS) -> list[CategorySuggestion]:
    """The categories a listing titled ``title`` most likely belongs to, best first: never a guess without grounds,
    so possibly none. Three queries whatever the data (decision 0037):

    - how closely each category's name (Swedish or English) matches some stretch of the title, or a word of the
      title some stretch of the name (pg_trgm's ``word_similarity``: "Skärmar" in "Dell skärm 24 tum", "soffa" in
      "Soffor och fåtöljer");
    - which categories the organisation's earlier listings whose titles share the title's words (as search finds
      them, endings of compounds included: "stol" in "Kontorsstol") were filed under, weighted by full-text rank,
      among the newest SUGGESTION_EVIDENCE of them;
    - the tree, for the labels.
    """
    terms = [term for term in query_terms(title) if len(term) >= 2 and not term.isdigit()]
    if not terms:
        return []
    text = " ".join(terms)
    scores: dict[int, float] = {}

    def similar(first, second) -> Func:
        return Func(first, second, function="word_similarity", output_field=FloatField())

    # The whole name in the title ("Skärmar" in "Dell skärm"), or a word of the title in the name ("soffa" in
    # "Soffor och fåtöljer"), in Swedish or English.
    measures = [similar(F(name), Value(text)) for name in ("name", "name_en")] + [
        similar(Value(term), F(name)) for term in terms if len(term) >= 3 for name in ("name", "name_en")
    ]
    similarity = Greatest(*measures) if len(measures) > 1 else measures[0]
    for pk, value in Category.objects.annotate(similarity=similarity).filter(
            similarity__gte=NAME_SIMILARITY).values_list("pk", "similarity"):
        scores[pk] = float(value)
    # Earlier titles (weights A, and C: the endings of title words, so "stol" is found in "Kontorsstol"), never
    # descriptions; a long word of the title is looked for by its endings too ("bildskärm": "skärm").
    prefixes = list(dict.fromkeys(
        # The last part of a compound is what it is ("skärm", "stol", "bord"): endings of 4 to 7 letters, so that a
        # title of long words stays a query of at most 30 prefixes.
        [*terms] + [ending for term in terms if len(term) >= 6
                    for ending in title_suffixes(term).split() if 4 <= len(ending) <= 7]
    ))
    query = SearchQuery(" | ".join(f"{prefix}:*AC" for prefix in prefixes), search_type="raw", config=SEARCH_CONFIG)
    newest = (
        Listing.objects.filter(search_vector=query).exclude(status=ListingStatus.DRAFT)
        .order_by("-created_at").values("pk")[:SUGGESTION_EVIDENCE]
    )
    evidence = list(
        Listing.objects.filter(pk__in=Subquery(newest)).values("category_id")
        .annotate(weight=Sum(SearchRank(F("search_vector"), query, weights=RANK_WEIGHTS)), found=Count("pk"))
        .values_list("category_id", "weight", "found")
    )
    total = sum(weight for _pk, weight, _found in evidence) or 1.0
    for pk, weight, found in evidence:
        # A share of the evidence, discounted when it rests on one or two listings only.
        scores[pk] = scores.get(pk, 0.0) + (weight / total) * (found / (found + 1))
    ranked = sorted(
        ((score, pk) for pk, score in scores.items() if score >= SUGGESTION_THRESHOLD), key=lambda item: -item[0]
    )
    if not ranked:
        return []
    nodes = {node.pk: node for node in categories()}
    result = []
    for score, pk in ranked:
        node = nodes.get(pk)
        if node is None:
            continue
        label = " › ".join(step.display_name for step in category_path(node))
        result.append(CategorySuggestion(category_id=pk, label=label, score=round(score, 3)))
        if len(result) == limit:
            break
    return result


def uuid_strings(values) -> list[str]:
    """The values that are UUIDs, as strings, each once, in their order."""
    return _uuid_strings(values)


# ------------------------------------------------------------------------------- storage, labels, stock-taking

# What is on hand, so stock-taking looks for it: in storage, offered, or reserved but not yet collected.
ON_HAND = (ListingStatus.STORED, ListingStatus.PUBLISHED, ListingStatus.RESERVED)


def _storage_rows(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    return (
        queryset.select_related("place", "category", "last_seen_by")
        .prefetch_related(Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id")))
        .defer("search_vector", "search_suffixes", "description")
    )


def stored_listings(*, place: Place | None = None, query: str = "") -> QuerySet[Listing]:
    """What is in storage (not yet published), newest first; at one place, or with ``query`` in its title or code."""
    queryset = Listing.objects.filter(status=ListingStatus.STORED)
    if place is not None:
        queryset = queryset.filter(place=place)
    if query.strip():
        queryset = queryset.filter(Q(title__icontains=query.strip()) | Q(short_code=query.strip().upper()))
    return _storage_rows(queryset).order_by("-created_at", "-pk")


def listings_by_uuids(*, uuids) -> list[Listing]:
    """The organisation's listings among ``uuids`` (others' are not in its schema), in that order. One query."""
    wanted = _uuid_strings(uuids)
    rows = {str(row.uuid): row for row in Listing.objects.select_related("created_by", "contact_person")
            .filter(uuid__in=wanted)}
    return [rows[key] for key in wanted if key in rows]


def listing_by_code(*, code: str) -> Listing | None:
    """The listing with this short code (as stored: short_codes.normalised), with what its page needs to decide."""
    if not code:
        return None
    return Listing.objects.select_related("created_by", "contact_person", "place").filter(short_code=code).first()


def listings_by_codes(*, codes) -> dict[str, Listing]:
    return {row.short_code: row for row in Listing.objects.filter(short_code__in=list(codes))}


def stocktaking(*, not_seen_since: datetime | None = None, place: Place | None = None) -> QuerySet[Listing]:
    """What is on hand (ON_HAND) with a label, by place and title; only what was not seen since ``not_seen_since``
    (never seen counts as not seen), when given."""
    queryset = Listing.objects.filter(status__in=ON_HAND, short_code__isnull=False)
    if place is not None:
        queryset = queryset.filter(place=place)
    if not_seen_since is not None:
        queryset = queryset.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=not_seen_since))
    return _storage_rows(queryset).order_by("place__name", "title", "pk")


def recently_stored(*, by, limit: int = 10) -> list[Listing]:
    """What ``by`` registered into storage last (the batch page lists them under its form)."""
    return list(_storage_rows(Listing.objects.filter(created_by=by, status=ListingStatus.STORED))
                .order_by("-created_at", "-pk")[:limit])
# ---------------------------------------------------------------------------------------------- the workspace (0044)

WORKSPACE_PAGE = 50
ATTENTION_SHOWN = 10


def current_since():
    """When a listing's current period began: its last renewal, else its publication (decision 0044)."""
    return Coalesce("renewed_at", "published_at")


@dataclass(frozen=True)
class WorkspaceFilters:
    query: str = ""
    department_id: int | None = None  # a förvaltning includes its enheter
    status: str = ""  # a ListingStatus, or "expired"
    older_than_days: int | None = None  # created more than this many days ago
    place_id: int | None = None
    missing_photo: bool = False


def workspace_listings(*, filters: WorkspaceFilters) -> QuerySet[Listing]:
    """All of the organisation's listings for its operators, newest first, filtered; with what the workspace's table
    shows joined in (department, contact, place) and whether each has a photo, in one query per page."""
    queryset = Listing.objects.all()
    if filters.query:
        terms = query_terms(filters.query)
        if terms:
            for term in terms:
                queryset = queryset.filter(title__icontains=term)
    if filters.department_id:
        queryset = queryset.filter(department_id__in=people.department_subtree(department_id=filters.department_id))
    if filters.status == "expired":
        queryset = queryset.filter(status=ListingStatus.WITHDRAWN, expired_at__isnull=False)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.older_than_days:
        queryset = queryset.filter(created_at__lt=timezone.now() - timedelta(days=filters.older_than_days))
    if filters.place_id:
        queryset = queryset.filter(place_id=filters.place_id)
    has_photo = Exists(ListingPhoto.objects.filter(listing=OuterRef("pk")))
    queryset = queryset.annotate(has_photo=has_photo, current_since=current_since())
    if filters.missing_photo:
        queryset = queryset.filter(has_photo=False)
    return (
        queryset.select_related("department", "department__parent", "contact_person", "place", "category")
        .defer("search_vector", "search_suffixes", "description")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Attention:
    """Listings that need the operator: expired (in the last ``days``), expiring within a week, without a photo
    (drafts too), published without a description. Up to ATTENTION_SHOWN of each, and how many."""

    expired: list
    expired_count: int
    expiring: list
    expiring_count: int
    no_photo: list
    no_photo_count: int
    no_description: list
    no_description_count: int


def listings_needing_attention(*, expiring_before: datetime, expired_since: datetime) -> Attention:
    """``expiring_before``: a period that began before this moment ends within a week. Eight queries."""
    live = Listing.objects.filter(status__in=[ListingStatus.PUBLISHED, ListingStatus.RESERVED])
    has_photo = Exists(ListingPhoto.objects.filter(listing=OuterRef("pk")))

    def part(queryset: QuerySet[Listing], order: str) -> tuple[list, int]:
        shown = queryset.select_related("contact_person", "department").defer("search_vector", "search_suffixes")
        return list(shown.order_by(order, "pk")[:ATTENTION_SHOWN]), queryset.count()

    expired = part(Listing.objects.filter(status=ListingStatus.WITHDRAWN, expired_at__gte=expired_since),
                   "-expired_at")
    expiring = part(
        Listing.objects.annotate(current_since=current_since())
        .filter(status=ListingStatus.PUBLISHED, current_since__lt=expiring_before), "current_since"
    )
    # Drafts too: a draft needs a photo before it can be published.
    no_photo = part(
        Listing.objects.filter(status__in=[ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.RESERVED])
        .annotate(has_photo=has_photo).filter(has_photo=False), "-created_at"
    )
    no_description = part(live.filter(description=""), "-published_at")
    return Attention(*expired, *expiring, *no_photo, *no_description)





def has_listings() -> bool:
    """Whether the organisation has posted any listing yet, in any state (onboarding's first-run checklist)."""
    return Listing.objects.exists()


def listing_figures() -> tuple[int, datetime | None]:
    """(every listing, the latest change of any) in the current organisation: one query. The console's usage."""
    from django.db.models import Max

    figures = Listing.objects.aggregate(listings=Count("pk"), last_change=Max("updated_at"))
    return figures["listings"], figures["last_change"]
