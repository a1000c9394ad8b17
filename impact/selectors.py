"""Reads of impact: the factor table, and the arithmetic of CO₂e avoided and money saved, done by PostgreSQL.

The apps that know what changed hands (bookings' handovers, the exchange's deals) sit above impact; they hand their
querysets to :func:`annotate_impact`, which adds, per row, in the same SQL statement:

- ``impact_version``: the number of the factor version in force when the item changed hands (the published version
  with the latest ``valid_from`` at or before that moment), so a new version never changes a past figure;
- ``impact_co2e``: kg CO₂e avoided = quantity × the factor's kg per item (or, with a weight correction of the
  listing, quantity × weight × the factor's kg per kg of its typical weight); 0 if the listing is corrected as
  "would not have been bought", or the category has no factor;
- ``impact_saved``: SEK saved = quantity × max(reference new price − price paid per item, 0), the reference price
  being the organisation's own override when ``own_prices`` (and its schema is the current one), else the factor's;
- ``impact_corrected``: whether a correction of the listing applied; ``impact_own_price``: whether an override did.

:func:`impact_sums` sums the same figures per group with joins (one statement, no subquery per row; decision
0035): what the pages and reports use. Both take an :class:`Rows`. Decision 0032 states the counting rules.
The public ledger (``OrganisationMonth``, decision 0035) is read by :func:`ledger_totals` and
:func:`ledger_by_organisation_year`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from taxonomy import selectors as taxonomy

from .models import Factor, FactorVersion, OrganisationMonth
from .organisation.models import ListingCorrection, PriceOverride

KG = DecimalField(max_digits=16, decimal_places=4)
SEK = DecimalField(max_digits=16, decimal_places=2)
ZERO_KG = Value(Decimal("0"), output_field=KG)
ZERO_SEK = Value(Decimal("0"), output_field=SEK)


# ------------------------------------------------------------------------------------------- the factor table


def current_version() -> FactorVersion | None:
    """The published version in force now (the newest)."""
    return FactorVersion.objects.filter(published_at__isnull=False).order_by("-valid_from").first()


def version_by_number(*, number: int) -> FactorVersion | None:
    return FactorVersion.objects.filter(number=number, published_at__isnull=False).first()


def published_versions() -> list[FactorVersion]:
    return list(FactorVersion.objects.filter(published_at__isnull=False).order_by("-number"))


@dataclass(frozen=True)
class FactorRow:
    key: str
    label: str
    factor: Factor


def factor_table(*, version: FactorVersion) -> list[FactorRow]:
    """The factors of a version with their category labels, in the tree's order (one query)."""
    labels = taxonomy.labels()
    order = {key: position for position, key in enumerate(labels)}
    factors = sorted(version.factors.all(), key=lambda f: (order.get(f.category_key, len(order)), f.category_key))
    return [FactorRow(factor.category_key, labels.get(factor.category_key, factor.category_key), factor)
            for factor in factors]


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    year: int
    keys: list[str]


def sources(*, version: FactorVersion) -> list[Source]:
    """The sources a version's CO₂e figures come from, each with the categories it covers (one query)."""
    found: dict[tuple[str, str, int], list[str]] = {}
    for source, url, year, key in version.factors.order_by("source", "category_key").values_list(
            "source", "source_url", "source_year", "category_key"):
        found.setdefault((source, url, year), []).append(key)
    return [Source(name, url, year, keys) for (name, url, year), keys in found.items()]


# ------------------------------------------------------------------------------------------ the arithmetic


def _expression(value):
    return F(value) if isinstance(value, str) else value


def _factor_in_force(*, key, at):
    """Factors of ``key`` in versions in force at ``at`` — newest first: the first is the one that applies."""
    return Factor.objects.filter(
        category_key=OuterRef(key) if isinstance(key, str) else key,
        version__valid_from__isnull=False,
        version__valid_from__lte=OuterRef(at) if isinstance(at, str) else at,
    ).order_by("-version__valid_from")


def annotate_impact(queryset: QuerySet, *, category_key, at, quantity, price_paid=None, listing_uuid=None,
                    own_prices: bool = False) -> QuerySet:
    """``queryset`` with impact_version, impact_co2e (kg), impact_saved (SEK), impact_corrected and
    impact_own_price per row (see the module's text). Arguments name the row's fields (``"listing__platform_key"``)
    or are expressions: ``category_key`` the platform key, ``at`` when it changed hands, ``quantity`` the items,
    ``price_paid`` per item (None: nothing paid), ``listing_uuid`` the listing, whose correction (in the current
    organisation's schema) applies — None for rows that no correction of this schema concerns. ``own_prices``:
    use the current organisation's reference price overrides (only on its own host; never for figures across
    organisations)."""
    factors = _factor_in_force(key=category_key, at=at)
    per_item = Subquery(factors.values("co2e_per_item")[:1], output_field=KG)
    per_kg = Subquery(factors.annotate(per_kg=ExpressionWrapper(
        F("co2e_per_item") / F("typical_weight_kg"), output_field=KG)).values("per_kg")[:1], output_field=KG)
    version = Subquery(factors.values("version__number")[:1], output_field=IntegerField())
    reference = Subquery(factors.values("reference_price")[:1], output_field=SEK)
    if own_prices:
        own = PriceOverride.objects.filter(
            category_key=OuterRef(category_key) if isinstance(category_key, str) else category_key)
        reference = Coalesce(Subquery(own.values("reference_price")[:1], output_field=SEK), reference)
        own_price = Exists(own)
    else:
        own_price = Value(False, output_field=BooleanField())
    quantity = _expression(quantity)
    paid = Coalesce(_expression(price_paid), ZERO_SEK) if price_paid is not None else ZERO_SEK

    if listing_uuid is not None:
        corrections = ListingCorrection.objects.filter(
            listing_uuid=OuterRef(listing_uuid) if isinstance(listing_uuid, str) else listing_uuid)
        weight = Subquery(corrections.values("weight_kg")[:1], output_field=KG)
        not_bought = Coalesce(Subquery(corrections.values("not_bought")[:1], output_field=BooleanField()),
                              Value(False))
        corrected = Exists(corrections)
    else:
        weight = Value(None, output_field=KG)
        not_bought = Value(False, output_field=BooleanField())
        corrected = Value(False, output_field=BooleanField())

    queryset = queryset.annotate(
        impact_version=version,
        impact_corrected=corrected,
        impact_own_price=own_price,
        _impact_not_bought=not_bought,
        _impact_weight=weight,
        _impact_per_item=per_item,
        _impact_per_kg=per_kg,
        _impact_reference=reference,
    )
    return queryset.annotate(
        impact_co2e=Case(
            When(_impact_not_bought=True, then=ZERO_KG),
            When(_impact_weight__isnull=False, then=ExpressionWrapper(
                quantity * F("_impact_weight") * Coalesce(F("_impact_per_kg"), ZERO_KG), output_field=KG)),
            default=ExpressionWrapper(quantity * Coalesce(F("_impact_per_item"), ZERO_KG), output_field=KG),
            output_field=KG,
        ),
        impact_saved=Case(
            When(_impact_not_bought=True, then=ZERO_SEK),
            default=ExpressionWrapper(
                quantity * Greatest(Coalesce(F("_impact_reference"), ZERO_SEK) - paid, ZERO_SEK), output_field=SEK),
            output_field=SEK,
        ),
    )


@dataclass
class Impact:
    """Sums of annotated rows: items, kg CO₂e avoided, SEK saved, and the factor versions they used."""

    items: int = 0
    co2e: Decimal = Decimal("0")
    saved: Decimal = Decimal("0")
    versions: set[int] = field(default_factory=set)
    corrected_items: int = 0

    def add(self, other: Impact) -> None:
        self.items += other.items
        self.co2e += other.co2e
        self.saved += other.saved
        self.versions |= other.versions
        self.corrected_items += other.corrected_items

    @property
    def co2e_kg(self) -> int:
        """Whole kilograms, as shown."""
        return int(self.co2e.quantize(Decimal("1")))

    @property
    def saved_sek(self) -> int:
        return int(self.saved.quantize(Decimal("1")))

    @property
    def version_list(self) -> list[int]:
        return sorted(self.versions)


@dataclass(frozen=True)
class Rows:
    """Rows that changed hands and how impact reads them: ``queryset`` and the fields (names, or expressions) that
    hold the platform key, the moment, the quantity, the price paid per item and the listing (see
    :func:`annotate_impact`). :func:`impact_sums` sums them with joins; :meth:`annotated` gives them per row."""

    queryset: QuerySet
    category_key: object
    at: object
    quantity: object
    price_paid: object = None
    listing_uuid: object = None
    own_prices: bool = False

    def annotate(self, **annotations) -> Rows:
        """The same rows with more annotations (to group by)."""
        return replace(self, queryset=self.queryset.annotate(**annotations))

    def filter(self, *args, **kwargs) -> Rows:
        return replace(self, queryset=self.queryset.filter(*args, **kwargs))

    def annotated(self) -> QuerySet:
        """Per row, with impact_version, impact_co2e, impact_saved, impact_corrected, impact_own_price
        (correlated subqueries: for lists of rows, such as the exports, not for sums)."""
        return annotate_impact(self.queryset, category_key=self.category_key, at=self.at, quantity=self.quantity,
                               price_paid=self.price_paid, listing_uuid=self.listing_uuid,
                               own_prices=self.own_prices)

    def sums(self, *, group_by: tuple[str, ...] = ()) -> dict[tuple, Impact]:
        return impact_sums(self, group_by=group_by)


def impact_sums(rows: Rows, *, group_by: tuple[str, ...] = ()) -> dict[tuple, Impact]:
    """Sum ``rows`` per group (``group_by``: field names or annotations of the queryset) and per factor version, in
    one statement. Returns group values (a tuple, () without grouping) → Impact. The group values come as the
    database gives them, without the ORM's conversions (a TruncMonth is a naive local datetime).

    The same arithmetic as :func:`annotate_impact`, by joins rather than subqueries per row (decision 0035):

    1. the rows' query (only the fields needed) is grouped by the groups, key, price paid, listing and the start of
       the version period the moment falls in (``width_bucket`` over the published versions' start dates, computed
       once), summing the quantity;
    2. those groups are joined to the factors, each with its validity range — from its version's ``valid_from`` to
       the next version's *of the same key*, the old rule exactly — and LEFT JOINed to the organisation's price
       overrides (``own_prices``) and the listings' corrections (``listing_uuid``); then SUM … GROUP BY.

    Exact because version periods are no coarser than any key's factor ranges. tests/test_impact_ledger.py checks
    it against the per-row figures."""
    fields = {f"_impact_g{position}": _expression(name) for position, name in enumerate(group_by)}
    fields["_impact_key"] = _expression(rows.category_key)
    fields["_impact_at"] = _expression(rows.at)
    fields["_impact_quantity"] = _expression(rows.quantity)
    fields["_impact_paid"] = (Coalesce(_expression(rows.price_paid), ZERO_SEK) if rows.price_paid is not None
                              else ZERO_SEK)
    if rows.listing_uuid is not None:
        fields["_impact_listing"] = _expression(rows.listing_uuid)
    try:
        inner, params = rows.queryset.order_by().values(**fields).query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
        return {}

    quote = connection.ops.quote_name
    factor, version = quote(Factor._meta.db_table), quote(FactorVersion._meta.db_table)
    groups = [f"r._impact_g{position}" for position in range(len(group_by))]
    joins = []
    if rows.own_prices:
        joins.append(f"LEFT JOIN {quote(PriceOverride._meta.db_table)} o ON o.category_key = r._impact_key")
        reference = "COALESCE(o.reference_price, f.reference_price, 0)"
    else:
        reference = "COALESCE(f.reference_price, 0)"
    if rows.listing_uuid is not None:
        joins.append(f"LEFT JOIN {quote(ListingCorrection._meta.db_table)} c ON c.listing_uuid = r._impact_listing")
        not_bought, weight, corrected = "COALESCE(c.not_bought, false)", "c.weight_kg", "c.id IS NOT NULL"
    else:
        not_bought, weight, corrected = "false", "NULL::numeric", "false"
    listing = ["r._impact_listing"] if rows.listing_uuid is not None else []
    kept = ", ".join([*groups, "r._impact_key", "r._impact_paid", *listing])
    outer_groups = "".join(group.replace("r.", "b.") + ", " for group in groups)
    sql = f"""
        WITH starts AS (
            SELECT ARRAY(SELECT DISTINCT valid_from FROM {version} WHERE valid_from IS NOT NULL ORDER BY 1) AS at
        ), in_force AS (
            SELECT f.category_key, v.number, f.co2e_per_item, f.co2e_per_item / f.typical_weight_kg AS per_kg,
                   f.reference_price, v.valid_from,
                   LEAD(v.valid_from) OVER (PARTITION BY f.category_key ORDER BY v.valid_from) AS valid_until
            FROM {factor} f JOIN {version} v ON v.id = f.version_id
            WHERE v.valid_from IS NOT NULL
        ), b AS (
            SELECT {kept}, starts.at[width_bucket(r._impact_at, starts.at)] AS _impact_from,
                   SUM(r._impact_quantity) AS _impact_quantity
            FROM ({inner}) r CROSS JOIN starts
            GROUP BY {", ".join(str(position) for position in range(1, len(groups) + len(listing) + 4))}
        )
        SELECT {outer_groups}f.number,
               SUM(b._impact_quantity)::bigint,
               SUM(CASE WHEN {not_bought} THEN 0
                        WHEN {weight} IS NOT NULL THEN b._impact_quantity * {weight} * COALESCE(f.per_kg, 0)
                        ELSE b._impact_quantity * COALESCE(f.co2e_per_item, 0) END),
               SUM(CASE WHEN {not_bought} THEN 0
                        ELSE b._impact_quantity * GREATEST({reference} - b._impact_paid, 0) END),
               SUM(CASE WHEN {corrected} THEN b._impact_quantity ELSE 0 END)::bigint
        FROM b
        LEFT JOIN in_force f ON f.category_key = b._impact_key AND f.valid_from <= b._impact_from
                   AND (f.valid_until IS NULL OR b._impact_from < f.valid_until)
        {" ".join(join.replace("r._impact", "b._impact") for join in joins)}
        GROUP BY {outer_groups}f.number
    """
    result: dict[tuple, Impact] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *group, number, items, co2e, saved, corrected_items in cursor.fetchall():
            figures = result.setdefault(tuple(group), Impact())
            figures.add(Impact(
                items=items or 0, co2e=co2e or Decimal("0"), saved=saved or Decimal("0"),
                versions={number} if number is not None else set(), corrected_items=corrected_items or 0,
            ))
    return result


class _BegunDays(Func):
    template = "CEIL(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::integer"
    output_field = IntegerField()


def use_days(queryset: QuerySet, *, start, end, quantity) -> int:
    """Item-days of use of loans and rentals: Σ quantity × days from ``start`` to ``end`` (begun days count), in one
    query. A loan or rental is reported as use, never as an avoided purchase."""
    days = _BegunDays(_expression(end) - _expression(start))
    total = queryset.aggregate(days=Sum(ExpressionWrapper(_expression(quantity) * days,
                                                          output_field=IntegerField())))["days"]
    return int(total or 0)


def has_corrections(*, listing_uuids) -> set:
    return set(ListingCorrection.objects.filter(listing_uuid__in=list(listing_uuids))
               .values_list("listing_uuid", flat=True))


def price_overrides() -> list[PriceOverride]:
    return list(PriceOverride.objects.order_by("category_key"))


def corrections() -> list[ListingCorrection]:
    return list(ListingCorrection.objects.order_by("-at"))


def correction_of(*, listing_uuid) -> ListingCorrection | None:
    return ListingCorrection.objects.filter(listing_uuid=listing_uuid).first()



def current_factor(*, category_key: str) -> Factor | None:
    """The factor of ``category_key`` in the version in force now (one query)."""
    return (Factor.objects.select_related("version")
            .filter(category_key=category_key, version__valid_from__isnull=False)
            .order_by("-version__valid_from").first())


def price_override(*, category_key: str) -> PriceOverride | None:
    return PriceOverride.objects.filter(category_key=category_key).first()


# ------------------------------------------------------------------------------------------ the public ledger


@dataclass(frozen=True)
class LedgerFigures:
    """An organisation-year (or the platform) as the ledger holds it: counts, CO₂e and SEK, versions, as of."""

    listings_posted: int
    items_mediated: int
    loans: int
    impact: Impact
    computed_at: object  # the oldest row's moment: every figure is at least this fresh


def _ledger_sums(queryset: QuerySet, group_by: tuple[str, ...]) -> dict[tuple, LedgerFigures]:
    from django.db.models import Min

    rows = (queryset.values(*group_by, "factor_versions")
            .annotate(_posted=Sum("listings_posted"), _items=Sum("items_mediated"), _loans=Sum("loans"),
                      _co2e=Sum("co2e_kg"), _saved=Sum("sek_saved"), _corrected=Sum("corrected_items"),
                      _at=Min("computed_at"))
            .order_by())
    found: dict[tuple, dict] = {}
    for row in rows:
        group = tuple(row[name] for name in group_by)
        into = found.setdefault(group, {"posted": 0, "loans": 0, "impact": Impact(), "at": row["_at"]})
        into["posted"] += row["_posted"] or 0
        into["loans"] += row["_loans"] or 0
        into["impact"].add(Impact(items=row["_items"] or 0, co2e=row["_co2e"] or Decimal("0"),
                                  saved=row["_saved"] or Decimal("0"), versions=set(row["factor_versions"]),
                                  corrected_items=row["_corrected"] or 0))
        into["at"] = min(into["at"], row["_at"])
    return {group: LedgerFigures(listings_posted=into["posted"], items_mediated=into["impact"].items,
                                 loans=into["loans"], impact=into["impact"], computed_at=into["at"])
            for group, into in found.items()}


def ledger_totals(*, organisation_ids) -> LedgerFigures | None:
    """The ledger's sums over ``organisation_ids`` (the active organisations), one query; None while it is empty."""
    return _ledger_sums(OrganisationMonth.objects.filter(organisation_id__in=organisation_ids), ()).get(())


def ledger_by_organisation_year(*, organisation_ids) -> dict[tuple[int, int], LedgerFigures]:
    """The ledger per (organisation id, year) over ``organisation_ids``, one query."""
    from django.db.models.functions import ExtractYear

    return _ledger_sums(OrganisationMonth.objects.filter(organisation_id__in=organisation_ids)
                        .annotate(year=ExtractYear("month")), ("organisation_id", "year"))
