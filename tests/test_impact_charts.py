"""Charts of the statistics and network pages (issue 12 part 3, decision 0034): SVG drawn on the server, each an
image with a title and a text alternative, beside the table with every value; no script, nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation

from platform_.charts import bar_chart

from .conftest import client_for, user_in
from .deal_support import ask, relay, shared_listing
from .exchange_support import demo_network
from .test_impact import _hand_over
from .test_statistics_across import _accept
from .test_statistics_across import _hand_over as hand_over_deal

pytestmark = pytest.mark.django_db


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg class=\"chart-svg.*?</svg>", page, flags=re.S)


def _labelled(page: str, svg: str) -> tuple[str, str]:
    """The chart's title and description, read through its aria-labelledby."""
    title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    title = re.search(rf'<title id="{title_id}">(.*?)</title>', page).group(1)
    desc = re.search(rf'<desc id="{desc_id}">(.*?)</desc>', page).group(1)
    return title, desc


def test_the_statistics_page_draws_five_labelled_charts_beside_its_tables(ystad):
    # given three chairs handed over at Ystad this month
    _hand_over(ystad, quantity=3)
    client = client_for(ystad, user_in(ystad, "personal"))
    client.cookies["delbar_language"] = "sv"

    # when its statistics page is read in Swedish
    response = client.get("/statistik/")
    page = response.content.decode()

    # then it draws five charts, each an image named by its title and described in words
    svgs = _svgs(page)
    assert len(svgs) == 5
    assert all('role="img"' in svg for svg in svgs)
    titles = [_labelled(page, svg)[0] for svg in svgs]
    year = timezone.localdate().year
    assert titles == [f"Upplagda annonser per månad {year}", f"Förmedlade saker per månad {year}",
                      f"Lån och uthyrningar per månad {year}", f"kg CO₂e undvikt per månad {year}",
                      f"Kronor sparade per månad {year}"]
    # and the mediated chart's text alternative names the total and the month, as the table does
    figures, impact = response.context["figures"], response.context["impact"]
    _, mediated = _labelled(page, svgs[1])
    assert f"{figures.mediated} saker totalt" in mediated
    assert "Tabellen ger varje värde." in mediated
    # and the CO₂e chart has a bar for this month, as high as the axis allows, and none elsewhere
    charts = response.context["charts"]
    this_month = timezone.localdate().month - 1
    co2e = charts[3]
    assert co2e.bars[this_month].height > 0
    assert all(bar.height == 0 for index, bar in enumerate(co2e.bars) if index != this_month
               and impact.months[index].avoided.co2e == 0)
    # and nothing is loaded from elsewhere or run: no script, no style attribute in the charts
    assert all("<script" not in svg and "style=" not in svg for svg in svgs)


def test_a_chart_of_nothing_says_so_and_keeps_an_axis():
    # given no values
    with translation.override("en"):
        chart = bar_chart(id="c", title="Loans", unit="loans", points=[("Jan", "January", 0), ("Feb", "February", 0)])
    # then its text says there are none yet, and the bars are flat on an axis from 0 to 1
    assert chart.description.startswith("Loans: none yet.")
    assert [bar.height for bar in chart.bars] == [0, 0]
    assert [tick.value for tick in chart.ticks] == ["0", "1"]


def test_the_axis_rounds_up_to_a_readable_top():
    with translation.override("en"):
        chart = bar_chart(id="c", title="kg", unit="kg", points=[("Jan", "January", 0), ("Mar", "March", 730)])
    # then the axis goes to 1,000 with a line at 500, the March bar is 73 % of it, and the text names March
    assert [tick.value for tick in chart.ticks] == ["0", "500", "1,000"]
    assert chart.bars[1].height == pytest.approx(0.73 * (chart.baseline - 12), abs=0.2)
    assert "the most in March (730 kg)" in chart.description


def test_the_network_page_charts_the_members_deals_per_month(ystad, skurup):
    # given Ystad gave Skurup two chairs this month
    _, offer = shared_listing(ystad, quantity=3)
    deal = _accept(ystad, ask(skurup, offer, quantity=2))
    hand_over_deal(ystad, deal)
    relay(ystad, skurup)

    # when Ystad's admin reads the network page
    response = client_for(ystad, user_in(ystad, "admin")).get(f"/natverk/{demo_network().pk}/")
    page = response.content.decode()

    # then three charts, labelled, and a table per month whose total is the page's
    assert response.status_code == 200
    svgs = _svgs(page)
    assert len(svgs) == 3 and all('role="img"' in svg for svg in svgs)
    months = response.context["months"]
    assert sum(month.items for month in months) == response.context["figures"].items
    assert sum(month.impact.co2e for month in months) == response.context["impact"].co2e
    assert months[timezone.localdate().month - 1].items >= 2
    assert 'id="network-months"' in page
