"""Accessible bar charts drawn on the server as SVG, for the statistics page (reports) and the network page (the
exchange): no script, no CDN — the CSP allows neither. The geometry is computed here, the template
``charts/_chart.html`` draws it. Each chart is an image with a title and a text
alternative (``role="img"``, ``aria-labelledby`` its title and description) and sits beside a table with every
value, which is the chart's full text equivalent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 600, 220  # viewBox units; the SVG scales to its container
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 28  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    label: str  # the month's short name, under the bar
    value: str  # as shown
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class Tick:
    value: str
    y: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    css: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM


def _nice_top(peak: float) -> float:
    """The axis' top: 1, 2 or 5 × a power of ten at or above ``peak`` (1 when there is nothing, never below 1)."""
    if peak <= 1:
        return 1
    scale = 1.0
    while scale * 10 <= peak:
        scale *= 10
    while scale > peak:
        scale /= 10
    for step in (1, 2, 5, 10):
        if step * scale >= peak:
            return step * scale
    return 10 * scale


def _shown(value) -> str:
    if isinstance(value, Decimal | float):
        value = int(round(value))
    return number_format(value, force_grouping=True)


def bar_chart(*, id: str, title: str, unit: str, points: list[tuple[str, str, float]], css: str = "") -> Chart:
    """A chart of ``points`` (short label, long label for the text alternative, value). The description says the
    total, the highest and which points are zero, in words; the table beside the chart gives every value."""
    values = [float(value) for _short, _long, value in points]
    top = _nice_top(max(values, default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bars = []
    for index, (short, _long, value) in enumerate(points):
        height = plot_height * float(value) / top if top else 0
        x = LEFT + index * slot + slot * 0.15
        bars.append(Bar(label=short, value=_shown(value), x=round(x, 1), y=round(TOP + plot_height - height, 1),
                        width=round(slot * 0.7, 1), height=round(height, 1), label_x=round(x + slot * 0.35, 1)))
    shares = (0, 0.5, 1) if (top / 2) == int(top / 2) else (0, 1)  # a middle line only at a whole number
    ticks = [Tick(value=_shown(int(top * share)), y=round(TOP + plot_height * (1 - share), 1)) for share in shares]
    total = sum(values)
    if total:
        peak_index = values.index(max(values))
        description = _("%(title)s: %(total)s %(unit)s in all; the most in %(peak)s (%(value)s %(unit)s).") % {
            "title": title, "total": _shown(total), "unit": unit, "peak": points[peak_index][1],
            "value": _shown(points[peak_index][2])}
    else:
        description = _("%(title)s: none yet.") % {"title": title}
    return Chart(id=id, title=title, description=description + " " + _("The table gives every value."),
                 css=css, bars=bars, ticks=ticks)


def _months(months, value) -> list[tuple[str, str, float]]:
    from django.utils.formats import date_format

    return [(date_format(month.month, "M"), date_format(month.month, "F"), value(month)) for month in months]


def statistics_charts(*, figures, impact) -> list[Chart]:
    """The statistics page's charts: listings posted, items mediated, loans, kg CO₂e avoided and SEK saved per
    month (``figures``: catalog's Statistics; ``impact``: reports' OrganisationImpact)."""
    year = figures.year
    return [
        bar_chart(id="chart-posted", css="chart-posted", unit=_("listings"),
                  title=_("Listings posted per month %(year)s") % {"year": year},
                  points=_months(figures.months, lambda m: m.posted)),
        bar_chart(id="chart-mediated", css="chart-mediated", unit=_("items"),
                  title=_("Items mediated per month %(year)s") % {"year": year},
                  points=_months(figures.months, lambda m: m.mediated)),
        bar_chart(id="chart-loans", css="chart-loans", unit=_("loans"),
                  title=_("Loans and rentals per month %(year)s") % {"year": year},
                  points=_months(figures.months, lambda m: m.loans)),
        bar_chart(id="chart-co2e", css="chart-co2e", unit=_("kg CO₂e"),
                  title=_("kg CO₂e avoided per month %(year)s") % {"year": year},
                  points=_months(impact.months, lambda m: m.avoided.co2e)),
        bar_chart(id="chart-saved", css="chart-saved", unit=_("SEK"),
                  title=_("SEK saved per month %(year)s") % {"year": year},
                  points=_months(impact.months, lambda m: m.avoided.saved)),
    ]


def network_charts(*, year: int, months) -> list[Chart]:
    """The network page's charts: items between the members, kg CO₂e avoided and SEK saved per month
    (``months``: the exchange's NetworkMonth rows)."""
    return [
        bar_chart(id="chart-network-items", css="chart-mediated", unit=_("items"),
                  title=_("Items between the members per month %(year)s") % {"year": year},
                  points=_months(months, lambda m: m.items)),
        bar_chart(id="chart-network-co2e", css="chart-co2e", unit=_("kg CO₂e"),
                  title=_("kg CO₂e avoided between the members per month %(year)s") % {"year": year},
                  points=_months(months, lambda m: m.impact.co2e)),
        bar_chart(id="chart-network-saved", css="chart-saved", unit=_("SEK"),
                  title=_("SEK saved between the members per month %(year)s") % {"year": year},
                  points=_months(months, lambda m: m.impact.saved)),
    ]
