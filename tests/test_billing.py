"""Delbar's own invoices (billing, decision 0050): plans, gapless numbering, full-year and pro-rata invoices, credit
notes, the PDF, the Peppol BIS Billing 3.0 UBL XML checked against the UBL 2.1 schema and the official EN 16931 and
Peppol Schematron rules (plus the Swedish check digits they lack), and sending to a Peppol access point.

The access point is a service outside Delbar (a Peppol-certified provider): the tests stand in for it with a small
HTTP server they start on 127.0.0.1, which records what it is sent.
"""

from __future__ import annotations

import io
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from billing import money, pdf, selectors, services, ubl
from billing.errors import BillingError
from billing.models import InvoiceSeries
from outbox.services import deliver_due

YEAR = date(2027, 1, 1)


@pytest.fixture
def buyer(skurup):
    return services.buyer_for_organisation(
        organisation_id=skurup.pk, street="Rådhustorget 1", postal_code="274 80", city="Skurup",
        buyer_reference="Ekonomi 4711",
    )


def _next(series: str) -> int:
    return InvoiceSeries.objects.get(code=series).next_number


# ------------------------------------------------------------------------------------------------- arithmetic


def test_the_pro_rata_rule_counts_both_ends_and_the_years_own_days():
    # given a subscription year from 1 January 2027 (365 days) and one from 1 March 2027 (366: it holds 29 Feb 2028)
    # when / then: from 1 March to 31 December is 306 of 365 days
    assert money.pro_rata_days(year_start=YEAR, start=date(2027, 3, 1)) == (306, 365)
    assert money.pro_rata_ore(yearly_ore=2_400_000, year_start=YEAR, start=date(2027, 3, 1)) == 2_012_055
    # the first day is the whole year, the last day one day's worth
    assert money.pro_rata_ore(yearly_ore=2_400_000, year_start=YEAR, start=YEAR) == 2_400_000
    assert money.pro_rata_days(year_start=YEAR, start=date(2027, 12, 31)) == (1, 365)
    assert money.pro_rata_days(year_start=date(2027, 3, 1), start=date(2027, 3, 1)) == (366, 366)
    assert money.year_end(date(2028, 2, 29)) == date(2029, 2, 28)


def test_vat_is_25_percent_of_the_net_rounded_half_up_to_whole_ore():
    assert money.vat_ore(2_400_000) == 600_000
    assert money.vat_ore(2_012_055) == 503_014  # 503 013.75 öre
    assert money.vat_ore(2) == 1  # 0.5 öre rounds up
    assert money.kronor(2_012_055) == "20120.55"


# ------------------------------------------------------------------------------------------------- issuing


@pytest.mark.django_db
def test_a_full_year_invoice_snapshots_buyer_and_seller_and_takes_the_next_number(buyer, skurup, settings):
    # given the next number of the invoice series
    first = _next("F")
    # when a year of the small band is invoiced
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR,
                                     issue_date=date(2026, 12, 1))
    # then it has that number, the buyer as given, Delbar as seller, 30 days to pay and 25 % VAT
    assert invoice.number == f"F{first:05d}"
    assert (invoice.buyer_name, invoice.buyer_organisation_number) == ("Skurups kommun", "212000-1132")
    assert invoice.buyer_peppol_id == "0007:2120001132"
    assert invoice.organisation_id == skurup.pk
    assert invoice.seller["organisation_number"] == "5599999991"
    assert invoice.due_date == date(2026, 12, 31)
    assert (invoice.net_ore, invoice.vat_ore, invoice.gross_ore) == (2_400_000, 600_000, 3_000_000)
    assert (invoice.period_start, invoice.period_end) == (YEAR, date(2027, 12, 31))
    # and the next invoice takes the next number
    again = services.issue_invoice(buyer=buyer, plan_code="delbar", band="large", year_start=YEAR)
    assert again.sequence == first + 1 and again.gross_ore == 12_000_000


@pytest.mark.django_db
def test_an_invoice_that_fails_gives_its_number_back_so_the_series_has_no_gap(buyer, monkeypatch):
    # given the next number, and rules that refuse the next XML
    first = _next("F")
    monkeypatch.setattr(services, "validate_invoice_xml", lambda *, xml: ["BR-CO-15"])
    # when an invoice is issued, it is refused with the rule's id
    with pytest.raises(BillingError) as refused:
        services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    assert refused.value.code == "invalid_peppol_xml" and "BR-CO-15" in str(refused.value.message)
    # then the number was not used up: the next invoice takes it
    monkeypatch.undo()
    assert services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR).sequence == first


@pytest.mark.django_db
def test_bad_buyers_plans_and_periods_are_refused(buyer):
    from dataclasses import replace

    with pytest.raises(BillingError) as refused:
        services.issue_invoice(buyer=replace(buyer, buyer_reference=" "), plan_code="delbar", band="small",
                               year_start=YEAR)
    assert refused.value.code == "bad_buyer"
    with pytest.raises(BillingError) as refused:
        services.issue_invoice(buyer=replace(buyer, organisation_number="212000-1133"), plan_code="delbar",
                               band="small", year_start=YEAR)
    assert refused.value.code == "bad_buyer"
    with pytest.raises(BillingError) as refused:
        services.issue_invoice(buyer=buyer, plan_code="gold", band="small", year_start=YEAR)
    assert refused.value.code == "unknown_plan"
    with pytest.raises(BillingError) as refused:
        services.issue_pro_rata_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR,
                                        start=date(2028, 1, 1))
    assert refused.value.code == "bad_period"


@pytest.mark.django_db
def test_a_pro_rata_invoice_runs_from_the_start_to_the_end_of_the_subscription_year(buyer):
    invoice = services.issue_pro_rata_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR,
                                              start=date(2027, 3, 1))
    assert (invoice.period_start, invoice.period_end) == (date(2027, 3, 1), date(2027, 12, 31))
    assert (invoice.net_ore, invoice.vat_ore, invoice.gross_ore) == (2_012_055, 503_014, 2_515_069)
    assert invoice.lines.get().description == "Delbar årsabonnemang, 306/365 dagar"


@pytest.mark.django_db
def test_a_credit_note_credits_a_whole_invoice_once_in_its_own_series(buyer):
    # given an invoice
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="medium", year_start=YEAR)
    first = _next("K")
    # when it is credited
    credit = services.issue_credit_note(invoice=invoice, reason="Fel storleksklass")
    # then the credit note names it, in series K, with the same amounts
    assert credit.number == f"K{first:05d}" and credit.credited_invoice == invoice
    assert (credit.net_ore, credit.gross_ore) == (invoice.net_ore, invoice.gross_ore)
    # and neither the invoice again nor the credit note can be credited
    for target in (invoice, credit):
        with pytest.raises(BillingError) as refused:
            services.issue_credit_note(invoice=target)
        assert refused.value.code == "not_creditable"


@pytest.mark.django_db
def test_an_issued_invoice_cannot_be_changed_or_removed(buyer):
    from billing.models import Invoice, InvoiceLine

    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    for attempt in (lambda: Invoice.objects.filter(pk=invoice.pk).update(buyer_name="Annan"),
                    lambda: InvoiceLine.objects.filter(invoice=invoice).update(unit_price_ore=1),
                    lambda: InvoiceLine.objects.filter(invoice=invoice).delete()):
        with pytest.raises(IntegrityError, match="cannot be changed or removed"), transaction.atomic():
            attempt()
    assert selectors.invoice(number=invoice.number).buyer_name == "Skurups kommun"


# ------------------------------------------------------------------------------------------------- the XML


@pytest.fixture
def three_invoices(buyer):
    full = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    pro_rata = services.issue_pro_rata_invoice(buyer=buyer, plan_code="delbar", band="medium", year_start=YEAR,
                                               start=date(2027, 8, 15))
    credit = services.issue_credit_note(invoice=full)
    return full, pro_rata, credit


@pytest.mark.django_db
def test_three_invoices_pass_the_ubl_schema_and_every_en16931_and_peppol_rule(three_invoices):
    for invoice in three_invoices:
        # when its XML is checked (schema, EN 16931, Peppol BIS 3 incl. SE-R-…, Delbar's Swedish check digits)
        xml = services.invoice_xml(invoice=invoice)
        found = services.findings(xml=xml)
        # then nothing is broken, not even a warning
        assert found == [], (invoice.number, found)
    full, _pro_rata, credit = three_invoices
    root = etree.fromstring(services.invoice_xml(invoice=credit))
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext(".//{*}BillingReference/{*}InvoiceDocumentReference/{*}ID") == full.number
    assert root.findtext("{*}CreditNoteTypeCode") == "381"


def _broken(xml: bytes, old: bytes, new: bytes) -> bytes:
    assert old in xml
    return xml.replace(old, new, 1)


@pytest.mark.django_db
def test_a_broken_invoice_is_refused_with_the_ids_of_the_rules_it_breaks(three_invoices):
    xml = services.invoice_xml(invoice=three_invoices[0])
    # totals that do not add up: EN 16931's calculation rules
    wrong_total = _broken(xml, b'<cbc:TaxInclusiveAmount currencyID="SEK">30000.00',
                          b'<cbc:TaxInclusiveAmount currencyID="SEK">30001.00')
    assert "BR-CO-15" in services.validate_invoice_xml(xml=wrong_total)
    # no buyer reference: Peppol's own rule
    no_reference = _broken(xml, b"<cbc:BuyerReference>Ekonomi 4711</cbc:BuyerReference>", b"")
    assert services.validate_invoice_xml(xml=no_reference) == ["PEPPOL-EN16931-R003"]
    # a VAT number that is not Swedish in shape: Sweden's national Peppol rule
    bad_vat = _broken(xml, b"SE559999999101", b"SE5599999991")
    assert "SE-R-001" in services.validate_invoice_xml(xml=bad_vat)
    # an organisation number with a wrong check digit: the Swedish rule the official ones lack
    bad_number = xml.replace(b"2120001132", b"2120001133")
    assert services.validate_invoice_xml(xml=bad_number) == ["DELBAR-SE-002", "DELBAR-SE-004"]
    # an element UBL does not have there: the schema
    unknown = _broken(xml, b"<cbc:DocumentCurrencyCode>", b"<cbc:Colour>red</cbc:Colour><cbc:DocumentCurrencyCode>")
    assert services.validate_invoice_xml(xml=unknown)[0] == "UBL-XSD"
    assert services.validate_invoice_xml(xml=b"<Invoice") == ["UBL-XSD"]


@pytest.mark.django_db
def test_the_xml_is_the_same_bytes_every_time_and_carries_the_peppol_ids(three_invoices):
    invoice = three_invoices[1]
    xml = services.invoice_xml(invoice=invoice)
    assert services.invoice_xml(invoice=invoice) == xml
    root = etree.fromstring(xml)
    endpoints = [(e.get("schemeID"), e.text) for e in root.iter(f"{{{ubl.CBC}}}EndpointID")]
    assert endpoints == [("0007", "5599999991"), ("0007", "2120001132")]
    assert root.findtext("{*}ProfileID") == ubl.PROFILE_ID


# ------------------------------------------------------------------------------------------------- the PDF


@pytest.mark.django_db
def test_the_pdf_prints_the_invoice_in_swedish_with_a_a_and_o(three_invoices):
    full, _pro_rata, credit = three_invoices
    text = PdfReader(io.BytesIO(pdf.invoice_pdf(selectors.invoice(number=full.number)))).pages[0].extract_text()
    for expected in ("Faktura", full.number, "Skurups kommun", "Rådhustorget 1", "Förfallodatum", "Att betala",
                     "30\u00a0000,00 kr", "Delbar AB (demo)", "Godkänd för F-skatt", "999-9996", "Ekonomi 4711"):
        assert expected in text, expected
    text = PdfReader(io.BytesIO(pdf.invoice_pdf(selectors.invoice(number=credit.number)))).pages[0].extract_text()
    assert "Kreditfaktura" in text and full.number in text and "Att återfå" in text


# ------------------------------------------------------------------------------------------------- listing


@pytest.mark.django_db
def test_listing_invoices_takes_the_same_queries_however_many(buyer, skurup):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            for invoice in selectors.invoices(organisation_id=skurup.pk):
                _ = [line.description for line in invoice.lines.all()]
                _ = invoice.credited_invoice and invoice.credited_invoice.number
        return len(queries)

    services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    one = count()
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    services.issue_credit_note(invoice=invoice)
    assert count() == one == 2
    with CaptureQueriesContext(connection) as queries:
        plans = [(plan.code, [price.band for price in plan.prices.all()]) for plan in selectors.plans()]
    assert ("delbar", ["small", "medium", "large"]) in plans and len(queries) == 2


# ------------------------------------------------------------------------------------------------- the access point


class _AccessPoint(BaseHTTPRequestHandler):
    """A stand-in for the Peppol access point (outside Delbar): records each POST, answers with ``answers``."""

    received: list = []
    answers: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = type(self).answers.pop(0) if type(self).answers else 202
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def access_point(settings):
    _AccessPoint.received, _AccessPoint.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AccessPoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PEPPOL_ACCESS_POINT_URL = f"http://127.0.0.1:{server.server_port}/documents"
    settings.PEPPOL_ACCESS_POINT_TOKEN = "test-token"
    yield _AccessPoint
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_an_invoice_is_posted_to_the_access_point_once_by_its_number(buyer, access_point):
    # given an invoice sent twice (a double click, a retried command)
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    assert services.send_invoice(invoice=invoice) is True
    assert services.send_invoice(invoice=invoice) is False
    # when the outbox delivers, the access point first failing, then taking it
    access_point.answers = [503]
    connection.set_schema_to_public()
    assert deliver_due().failed == 1 and access_point.received
    from outbox.models import OutboxMessage

    OutboxMessage.objects.filter(kind="billing.peppol_invoice").update(available_at=timezone.now())
    assert deliver_due().delivered == 1
    # then it got the invoice's valid XML twice (the failed try and the delivery), keyed by the invoice number
    assert len(access_point.received) == 2
    headers, body = access_point.received[-1]
    assert headers["Idempotency-Key"] == invoice.number
    assert headers["Authorization"] == "Bearer test-token"
    assert headers["Content-Type"].startswith("application/xml")
    assert body == services.invoice_xml(invoice=invoice)
    assert services.validate_invoice_xml(xml=body) == []
    # and nothing more goes out
    assert deliver_due().delivered == 0 and len(access_point.received) == 2


@pytest.mark.django_db
def test_an_access_point_that_already_has_the_invoice_counts_as_delivered(buyer, access_point):
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    services.send_invoice(invoice=invoice)
    access_point.answers = [409]
    connection.set_schema_to_public()
    assert deliver_due().delivered == 1


@pytest.mark.django_db
def test_sending_without_an_access_point_is_refused(buyer, settings):
    settings.PEPPOL_ACCESS_POINT_URL = ""
    invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
    with pytest.raises(BillingError) as refused:
        services.send_invoice(invoice=invoice)
    assert refused.value.code == "no_access_point"


# ------------------------------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_the_command_issues_a_pro_rata_invoice_and_writes_its_pdf_and_xml(skurup, tmp_path):
    out = io.StringIO()
    call_command("issue_invoice", "--organisation", "skurup", "--street", "Rådhustorget 1", "--postal-code",
                 "274 80", "--city", "Skurup", "--buyer-reference", "4711", "--band", "medium", "--year-start",
                 "2027-01-01", "--start", "2027-07-01", "--issue-date", "2027-06-20", "--out", str(tmp_path),
                 stdout=out)
    number = out.getvalue().split()[0]
    invoice = selectors.invoice(number=number)
    assert invoice.organisation_id == skurup.pk and invoice.period_start == date(2027, 7, 1)
    assert (tmp_path / f"{number}.pdf").read_bytes().startswith(b"%PDF")
    assert services.validate_invoice_xml(xml=(tmp_path / f"{number}.xml").read_bytes()) == []


# ------------------------------------------------------------------------------------------------- concurrency


def test_two_invoices_issued_at_once_take_consecutive_numbers(django_db_setup, django_db_blocker, monkeypatch):
    """Concurrency, against committed data: while one invoice holds its series' lock (its XML being checked), a second
    waits for it and takes the next number: no number twice, no gap. Each thread has its own connection."""
    import time

    from billing.models import Invoice, InvoiceLine
    from tenants import selectors as tenants

    real_validate = services.validate_invoice_xml
    started = threading.Event()

    def slow_validate(*, xml):
        if threading.current_thread().name == "first":
            started.set()
            time.sleep(1.0)  # holds the series row's lock meanwhile
        return real_validate(xml=xml)

    monkeypatch.setattr(services, "validate_invoice_xml", slow_validate)
    with django_db_blocker.unblock():
        organisation = tenants.active_organisations().get(slug="skurup")
        buyer = services.Buyer(organisation_id=organisation.pk, name=organisation.name,
                               organisation_number=organisation.organisation_number, street="Rådhustorget 1",
                               postal_code="274 80", city="Skurup", buyer_reference="Samtidig")
        first_number = _next("F")
        results: dict[str, tuple[int, float]] = {}

        def issue(name: str) -> None:
            try:
                invoice = services.issue_invoice(buyer=buyer, plan_code="delbar", band="small", year_start=YEAR)
                results[name] = (invoice.sequence, time.monotonic())
            finally:
                connection.close()

        try:
            first = threading.Thread(target=issue, args=("first",), name="first")
            second = threading.Thread(target=issue, args=("second",), name="second")
            first.start()
            assert started.wait(10)
            began = time.monotonic()
            second.start()
            first.join(30)
            second.join(30)
            # then the second waited for the first's lock and took the next number
            assert sorted(sequence for sequence, _ in results.values()) == [first_number, first_number + 1]
            assert results["first"][0] == first_number and results["second"][0] == first_number + 1
            assert results["second"][1] - began >= 0.5
        finally:
            # The database refuses to remove an invoice (migration billing.0003); the test's own go as a superuser
            # with triggers off for this one transaction.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                issued = Invoice.objects.filter(buyer_reference="Samtidig")
                InvoiceLine.objects.filter(invoice__in=issued).delete()
                issued.delete()
                InvoiceSeries.objects.filter(code="F").update(next_number=first_number)


@pytest.mark.django_db
def test_refusals_read_in_swedish_and_english(buyer):
    from dataclasses import replace

    from django.utils import translation

    for language, expected in (("sv", "Köparens uppgifter är inte kompletta"),
                               ("en", "The buyer's details are not complete")):
        with translation.override(language), pytest.raises(BillingError) as refused:
            services.issue_invoice(buyer=replace(buyer, city=""), plan_code="delbar", band="small", year_start=YEAR)
        assert expected in str(refused.value.message)


@pytest.mark.django_db
def test_the_command_can_send_what_it_issues(skurup, access_point):
    from outbox.models import OutboxMessage

    out = io.StringIO()
    call_command("issue_invoice", "--organisation", str(skurup.pk), "--street", "Rådhustorget 1", "--postal-code",
                 "274 80", "--city", "Skurup", "--buyer-reference", "4711", "--send", stdout=out)
    number = out.getvalue().split()[0]
    assert OutboxMessage.objects.filter(kind="billing.peppol_invoice", payload__number=number).count() == 1
