"""The catalogue API, included under /api/ by platform_.api_urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("listings/", views.ListingsApi.as_view(), name="api_listings"),
    path("listings/<uuid:uuid>/", views.ListingApi.as_view(), name="api_listing"),
    path("listings/<uuid:uuid>/publish/", views.ListingPublishApi.as_view(), name="api_listing_publish"),
    path("listings/<uuid:uuid>/withdraw/", views.ListingWithdrawApi.as_view(), name="api_listing_withdraw"),
    path("listings/<uuid:uuid>/reservations/", views.ListingReserveApi.as_view(), name="api_listing_reserve"),
    path("reservations/", views.MyReservationsApi.as_view(), name="api_reservations"),
    path("reservations/<uuid:uuid>/", views.ReservationApi.as_view(), name="api_reservation"),
    path("reservations/<uuid:uuid>/confirm/", views.ReservationConfirmApi.as_view(), name="api_reservation_confirm"),
    path("reservations/<uuid:uuid>/cancel/", views.ReservationCancelApi.as_view(), name="api_reservation_cancel"),
    path("categories/", views.CategoriesApi.as_view(), name="api_categories"),
    path("photos/<int:pk>/<str:size>/", views.PhotoFileApi.as_view(), name="api_photo"),
]
