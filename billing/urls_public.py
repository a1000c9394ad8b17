"""Stripe's webhook, on the platform's root domain (decision 0052)."""

from django.urls import path

from . import views

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
