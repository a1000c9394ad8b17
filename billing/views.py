"""Billing's pages (decision 0052): Stripe's webhook on the platform's root domain, and the organisation admin's
subscription page, /administrera/abonnemang/, on the organisation's own host.

The subscription page and its downloads show only the organisation's own subscription and invoices (by the host's
organisation id): another organisation's invoice number is a 404 here.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from platform_.decorators import org_admin_required

from .errors import BillingError
from .pdf import invoice_pdf
from .selectors import card_payment_available, invoice_details, organisation_invoices, subscription
from .services import (
    buyer_for_organisation,
    choose_card_payment,
    choose_invoice_payment,
    handle_stripe_webhook,
    invoice_xml,
    record_invoice_details,
)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook: 400 and nothing changed unless Stripe signed it; 200 once acted on (or already acted on)."""
    try:
        result = handle_stripe_webhook(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except BillingError as error:
        if error.code == "bad_signature":
            return HttpResponseBadRequest(error.message)
        raise
    return HttpResponse(result, content_type="text/plain")




class InvoiceAddressForm(forms.Form):
    street = forms.CharField(label=gettext_lazy("Street address"), max_length=200)
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=10)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    buyer_reference = forms.CharField(
        label=gettext_lazy("Buyer reference"), max_length=100,
        help_text=gettext_lazy("The reference your invoices must carry, often a person's code or a cost centre."))
    peppol_id = forms.CharField(label=gettext_lazy("Peppol id"), max_length=60, required=False,
                                help_text=gettext_lazy("Leave empty for 0007 and your organisation number."))


def _kronor(ore: int) -> Decimal:
    return Decimal(ore) / 100


def _page(request, form=None, status=200):
    organisation_id = request.tenant.pk
    current = subscription(organisation_id=organisation_id)
    invoices = list(organisation_invoices(organisation_id=organisation_id))
    for invoice in invoices:
        invoice.gross_kronor = _kronor(invoice.gross_ore)
    details = invoice_details(organisation_id=organisation_id)
    if form is None:
        form = InvoiceAddressForm(initial={
            "street": details.street, "postal_code": details.postal_code, "city": details.city,
            "buyer_reference": details.buyer_reference, "peppol_id": details.peppol_id,
        } if details else None)
    return render(request, "billing/subscription.html", {
        "subscription": current, "invoices": invoices, "card_available": card_payment_available(),
        "invoice_details": details, "first_invoice_pending": bool(
            current and current.payment_method == "invoice" and current.status == "trialing" and not invoices),
        "form": form, "today": timezone.localdate(),
        "payment_days": settings.BILLING_PAYMENT_DAYS,
    }, status=status)


@org_admin_required
def subscription_page(request):
    """The organisation's plan, status and invoices, and the choice of how to pay."""
    return _page(request)


@org_admin_required
@require_POST
def pay_by_invoice(request):
    form = InvoiceAddressForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        buyer = buyer_for_organisation(organisation_id=request.tenant.pk, **form.cleaned_data)
        invoice = choose_invoice_payment(organisation_id=request.tenant.pk, buyer=buyer)
        record_invoice_details(organisation_id=request.tenant.pk, **form.cleaned_data)
    except BillingError as error:
        form.add_error(None, error.message)
        return _page(request, form=form, status=error.http_status if error.http_status < 500 else 400)
    messages.success(request, _("Invoice %(number)s has been issued.") % {"number": invoice.number})
    return redirect("billing_subscription")


@org_admin_required
@require_POST
def pay_by_card(request):
    back = request.build_absolute_uri(reverse("billing_subscription"))
    try:
        url = choose_card_payment(organisation_id=request.tenant.pk, success_url=f"{back}?kort=klart",
                                  cancel_url=back, email=request.user.email)
    except BillingError as error:
        messages.error(request, error.message)
        return redirect("billing_subscription")
    return redirect(url)


def _own_invoice(request, number: str):
    for invoice in organisation_invoices(organisation_id=request.tenant.pk).filter(number=number):
        return invoice
    raise Http404


@org_admin_required
def invoice_pdf_download(request, number: str):
    from .selectors import invoice as full_invoice

    _own_invoice(request, number)
    response = HttpResponse(invoice_pdf(full_invoice(number=number)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    return response


@org_admin_required
def invoice_xml_download(request, number: str):
    invoice = _own_invoice(request, number)
    response = HttpResponse(invoice_xml(invoice=invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{number}.xml"'
    return response
