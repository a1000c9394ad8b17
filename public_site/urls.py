"""The public site's pages on the root domain (included by platform_.urls_public)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="public_home"),
    path("sa-fungerar-det/", views.how_it_works, name="public_how"),
    path("priser/", views.prices, name="public_prices"),
    path("data-och-sakerhet/", views.data_and_security, name="public_data"),
    path("kontakt/", views.contact, name="public_contact"),
    path("hitta-organisation/", views.find_organisation, name="public_find"),
]
