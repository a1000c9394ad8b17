"""The checks of impact input, shared by the services and the console's forms: each bad value gets a message in the
reader's language (Swedish first), beside its field. The database's check constraints say the same, last."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .limits import (
    FIRST_SOURCE_YEAR,
    MAX_CO2E_PER_ITEM,
    MAX_REFERENCE_PRICE,
    MAX_WEIGHT_KG,
    NOTE_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _format(number: Decimal) -> str:
    return f"{number:,.0f}".replace(",", "\u00a0")


def co2e_error(value) -> str | None:
    number = _decimal(value)
    if number is None:
        return _("Give the kg CO₂e avoided per item as a number.")
    if number < 0:
        return _("A factor cannot be negative: reuse is counted as avoiding emissions, never as causing them.")
    if number > MAX_CO2E_PER_ITEM:
        return _("%(value)s kg CO₂e per item is above the bound of %(bound)s kg: no single reused item avoids that "
                 "much. Check the unit (kg, not g) and that it is per item, not per batch.") % {
            "value": _format(number), "bound": _format(MAX_CO2E_PER_ITEM)}
    return None


def weight_error(value, *, required: bool = True) -> str | None:
    number = _decimal(value)
    if number is None:
        return _("Give the weight in kg as a number.") if required or value not in (None, "") else None
    if number <= 0:
        return _("The weight must be more than 0 kg.")
    if number > MAX_WEIGHT_KG:
        return _("The weight can be at most %(bound)s kg per item.") % {"bound": _format(MAX_WEIGHT_KG)}
    return None


def price_error(value) -> str | None:
    number = _decimal(value)
    if number is None:
        return _("Give the reference price in SEK as a number.")
    if number < 0:
        return _("A reference price cannot be negative.")
    if number > MAX_REFERENCE_PRICE:
        return _("The reference price can be at most %(bound)s SEK per item.") % {
            "bound": _format(MAX_REFERENCE_PRICE)}
    return None


def text_error(value, *, what: str, limit: int = SOURCE_MAX_LENGTH) -> str | None:
    text = (value or "").strip()
    if not text:
        return what
    if len(text) > limit:
        return _("At most %(limit)s characters.") % {"limit": limit}
    return None


def year_error(value, *, this_year: int) -> str | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return _("Give the year of the source, for example 2020.")
    if year < FIRST_SOURCE_YEAR or year > this_year:
        return _("The year of the source must be between %(first)s and %(last)s.") % {
            "first": FIRST_SOURCE_YEAR, "last": this_year}
    return None


def factor_errors(*, category_key: str, co2e_per_item, typical_weight_kg, reference_price, source: str,
                  source_year, price_source: str, method: str, this_year: int, is_key) -> dict[str, str]:
    """Every bad value of a factor, by field name (empty when all is well)."""
    errors = {
        "category_key": None if is_key(category_key) else _("Choose one of the platform's categories."),
        "co2e_per_item": co2e_error(co2e_per_item),
        "typical_weight_kg": weight_error(typical_weight_kg),
        "reference_price": price_error(reference_price),
        "source": text_error(source, what=_("A factor needs a source: name the study or publication the figure "
                                            "comes from.")),
        "source_year": year_error(source_year, this_year=this_year),
        "price_source": text_error(price_source, what=_("Name where the reference price comes from.")),
        "method": text_error(method, what=_("Say how the figure was derived (for example \"by analogy with …\")."),
                             limit=5000),
    }
    return {field: message for field, message in errors.items() if message}


def note_error(value) -> str | None:
    return text_error(value, what=_("Write a note saying why."), limit=NOTE_MAX_LENGTH)


def as_decimal(value) -> Decimal:
    number = _decimal(value)
    assert number is not None
    return number
