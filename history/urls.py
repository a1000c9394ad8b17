from django.urls import path

from . import views

urlpatterns = [
    path("annonser/<uuid:uuid>/historik/", views.listing_history, name="listing_history"),
    path("historik/", views.export_page, name="history_export"),
]
