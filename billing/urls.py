"""The organisation admin's subscription page, on the organisation's host (decision 0052)."""

from django.urls import path

from . import views

urlpatterns = [
    path("administrera/abonnemang/", views.subscription_page, name="billing_subscription"),
    path("administrera/abonnemang/faktura/", views.pay_by_invoice, name="billing_pay_by_invoice"),
    path("administrera/abonnemang/kort/", views.pay_by_card, name="billing_pay_by_card"),
    path("administrera/abonnemang/fakturor/<str:number>.pdf", views.invoice_pdf_download, name="billing_invoice_pdf"),
    path("administrera/abonnemang/fakturor/<str:number>.xml", views.invoice_xml_download, name="billing_invoice_xml"),
]
