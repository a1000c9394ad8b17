"""The arithmetic of Delbar's invoices, in whole öre (decision 0050).

- VAT is 25 % of the invoice's net total, rounded half up to whole öre once per invoice (EN 16931 BR-CO-17 computes
  it per VAT category, and an invoice has one).
- Pro-rata (``pro_rata_ore``): a subscription year runs from its start date to the day before the same date a year
  later. Starting on ``start`` within it, the organisation pays for the days from ``start`` to the year's last day,
  both included, out of the year's days (365, or 366 when the year holds a 29 February): yearly price × days ÷ days
  in the year, rounded half up to whole öre.
"""

from __future__ import annotations

from datetime import date, timedelta

VAT_PERCENT = 25


def _divide_half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if remainder * 2 >= denominator else 0)


def vat_ore(net_ore: int, percent: int = VAT_PERCENT) -> int:
    return _divide_half_up(net_ore * percent, 100)


def year_end(start: date) -> date:
    """The last day of the subscription year that begins on ``start`` (one from 29 February runs to 28 February)."""
    try:
        next_start = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        next_start = date(start.year + 1, 3, 1)
    return next_start - timedelta(days=1)


def pro_rata_days(*, year_start: date, start: date) -> tuple[int, int]:
    """(days paid for, days in the subscription year) when the subscription starts on ``start``."""
    end = year_end(year_start)
    return (end - start).days + 1, (end - year_start).days + 1


def pro_rata_ore(*, yearly_ore: int, year_start: date, start: date) -> int:
    days, days_in_year = pro_rata_days(year_start=year_start, start=start)
    return _divide_half_up(yearly_ore * days, days_in_year)


def kronor(ore: int) -> str:
    """``ore`` as the decimal kronor of the XML: 123456 → '1234.56'."""
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


def kronor_display(ore: int) -> str:
    """``ore`` for people, Swedish style: 2400000 → '24 000,00 kr'."""
    sign = "−" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    grouped = f"{whole:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{cents:02d} kr"
