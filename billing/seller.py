"""Delbar as the seller on its invoices, from ``settings.BILLING_SELLER`` (decision 0050)."""

from __future__ import annotations

from django.conf import settings

from .identifiers import digits


def seller_snapshot() -> dict:
    """The seller's details as they are now, kept on each invoice so that a later change leaves old invoices be."""
    seller = dict(settings.BILLING_SELLER)
    seller["organisation_number"] = digits(seller["organisation_number"])
    seller["bankgiro"] = digits(seller["bankgiro"])
    return seller
