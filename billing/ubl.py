"""An invoice as Peppol BIS Billing 3.0 UBL 2.1 XML: an ``Invoice`` (type 380) or a ``CreditNote`` (type 381).

The elements are written in the order UBL 2.1's schema declares them (the schema is ordered). Amounts are the
invoice's öre as kronor with two decimals. Validated by ``billing.validation`` (UBL 2.1 XSD, EN 16931 and Peppol BIS 3
Schematron, and Delbar's Swedish checks); see docs/billing.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .identifiers import PEPPOL_SCHEME, digits, split_peppol_id
from .money import kronor

if TYPE_CHECKING:
    from .models import Invoice

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
UNIT_CODE = "EA"  # UN/ECE Recommendation 20: each (one year's subscription, or a part of one)
F_SKATT = "Godkänd för F-skatt"  # the seller is registered for F-tax (Swedish rule SE-R-005)


def _el(parent, namespace: str, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


def cbc(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    return _el(parent, CBC, tag, text, **attributes)


def cac(parent, tag: str) -> etree._Element:
    return _el(parent, CAC, tag)


def _amount(parent, name: str, ore: int, currency: str) -> None:
    cbc(parent, name, kronor(ore), currencyID=currency)


def _address(parent, *, street: str, city: str, postal_code: str, country: str) -> None:
    address = cac(parent, "PostalAddress")
    cbc(address, "StreetName", street)
    cbc(address, "CityName", city)
    cbc(address, "PostalZone", postal_code)
    cbc(cac(address, "Country"), "IdentificationCode", country)


def _tax_category(parent, name: str, percent: int) -> None:
    category = cac(parent, name)
    cbc(category, "ID", "S")
    cbc(category, "Percent", str(percent))
    cbc(cac(category, "TaxScheme"), "ID", "VAT")


def _seller(root, seller: dict) -> None:
    party = cac(cac(root, "AccountingSupplierParty"), "Party")
    scheme, identifier = split_peppol_id(seller["peppol_id"])
    cbc(party, "EndpointID", identifier, schemeID=scheme)
    cbc(cac(party, "PartyName"), "Name", seller["name"])
    _address(party, street=seller["street"], city=seller["city"], postal_code=seller["postal_code"],
             country=seller["country"])
    vat = cac(party, "PartyTaxScheme")
    cbc(vat, "CompanyID", seller["vat_number"])
    cbc(cac(vat, "TaxScheme"), "ID", "VAT")
    f_tax = cac(party, "PartyTaxScheme")
    cbc(f_tax, "CompanyID", F_SKATT)
    cbc(cac(f_tax, "TaxScheme"), "ID", "TAX")
    legal = cac(party, "PartyLegalEntity")
    cbc(legal, "RegistrationName", seller["name"])
    cbc(legal, "CompanyID", digits(seller["organisation_number"]), schemeID=PEPPOL_SCHEME)
    cbc(cac(party, "Contact"), "ElectronicMail", seller["email"])


def _buyer(root, invoice: Invoice) -> None:
    party = cac(cac(root, "AccountingCustomerParty"), "Party")
    scheme, identifier = split_peppol_id(invoice.buyer_peppol_id)
    cbc(party, "EndpointID", identifier, schemeID=scheme)
    cbc(cac(party, "PartyName"), "Name", invoice.buyer_name)
    _address(party, street=invoice.buyer_street, city=invoice.buyer_city, postal_code=invoice.buyer_postal_code,
             country=invoice.buyer_country)
    legal = cac(party, "PartyLegalEntity")
    cbc(legal, "RegistrationName", invoice.buyer_name)
    cbc(legal, "CompanyID", digits(invoice.buyer_organisation_number), schemeID=PEPPOL_SCHEME)


def invoice_xml(invoice: Invoice) -> bytes:
    """The invoice (or credit note) as UTF-8 UBL 2.1 XML. Its lines must be loaded (``billing.selectors``)."""
    credit = invoice.is_credit_note
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    currency = invoice.currency
    cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    cbc(root, "ProfileID", PROFILE_ID)
    cbc(root, "ID", invoice.number)
    cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if credit:
        cbc(root, "CreditNoteTypeCode", "381")
    else:
        cbc(root, "DueDate", invoice.due_date.isoformat())
        cbc(root, "InvoiceTypeCode", "380")
    if invoice.note:
        cbc(root, "Note", invoice.note)
    cbc(root, "DocumentCurrencyCode", currency)
    cbc(root, "BuyerReference", invoice.buyer_reference)
    period = cac(root, "InvoicePeriod")
    cbc(period, "StartDate", invoice.period_start.isoformat())
    cbc(period, "EndDate", invoice.period_end.isoformat())
    if credit:
        reference = cac(cac(root, "BillingReference"), "InvoiceDocumentReference")
        cbc(reference, "ID", invoice.credited_invoice.number)
        cbc(reference, "IssueDate", invoice.credited_invoice.issue_date.isoformat())
    seller = invoice.seller
    _seller(root, seller)
    _buyer(root, invoice)
    if not credit:
        means = cac(root, "PaymentMeans")
        cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
        cbc(means, "PaymentID", invoice.number)
        account = cac(means, "PayeeFinancialAccount")
        cbc(account, "ID", digits(seller["bankgiro"]))
        cbc(cac(account, "FinancialInstitutionBranch"), "ID", "SE:BANKGIRO")
        terms = f"{(invoice.due_date - invoice.issue_date).days} dagar netto"
    else:
        terms = f"Kreditering av faktura {invoice.credited_invoice.number}"
    cbc(cac(root, "PaymentTerms"), "Note", terms)
    tax_total = cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", invoice.vat_ore, currency)
    subtotal = cac(tax_total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", invoice.net_ore, currency)
    _amount(subtotal, "TaxAmount", invoice.vat_ore, currency)
    _tax_category(subtotal, "TaxCategory", invoice.vat_percent)
    totals = cac(root, "LegalMonetaryTotal")
    _amount(totals, "LineExtensionAmount", invoice.net_ore, currency)
    _amount(totals, "TaxExclusiveAmount", invoice.net_ore, currency)
    _amount(totals, "TaxInclusiveAmount", invoice.gross_ore, currency)
    _amount(totals, "PayableAmount", invoice.gross_ore, currency)
    for line in invoice.lines.all():
        element = cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        cbc(element, "ID", str(line.position))
        cbc(element, "CreditedQuantity" if credit else "InvoicedQuantity", str(line.quantity), unitCode=UNIT_CODE)
        _amount(element, "LineExtensionAmount", line.net_ore, currency)
        line_period = cac(element, "InvoicePeriod")
        cbc(line_period, "StartDate", line.period_start.isoformat())
        cbc(line_period, "EndDate", line.period_end.isoformat())
        item = cac(element, "Item")
        cbc(item, "Name", line.description)
        _tax_category(item, "ClassifiedTaxCategory", invoice.vat_percent)
        _amount(cac(element, "Price"), "PriceAmount", line.unit_price_ore, currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
