"""The bookings API, included under /api/ by platform_.api_urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("listings/<uuid:uuid>/reservations/", views.ListingReserveApi.as_view(), name="api_listing_reserve"),
    path("listings/<uuid:uuid>/loans/", views.ListingLoansApi.as_view(), name="api_listing_book"),
    path("listings/<uuid:uuid>/availability/", views.ListingAvailabilityApi.as_view(), name="api_listing_availability"),
    path("listings/<uuid:uuid>/waitlist/", views.ListingWaitlistApi.as_view(), name="api_listing_waitlist"),
    path("reservations/", views.MyReservationsApi.as_view(), name="api_reservations"),
    path("reservations/<uuid:uuid>/", views.ReservationApi.as_view(), name="api_reservation"),
    path("reservations/<uuid:uuid>/confirm/", views.ReservationConfirmApi.as_view(), name="api_reservation_confirm"),
    path("reservations/<uuid:uuid>/cancel/", views.ReservationCancelApi.as_view(), name="api_reservation_cancel"),
    path("loans/<uuid:uuid>/pick-up/", views.LoanPickUpApi.as_view(), name="api_loan_pick_up"),
    path("loans/<uuid:uuid>/return/", views.LoanReturnApi.as_view(), name="api_loan_return"),
    path("loans/<uuid:uuid>/extension/", views.LoanExtensionApi.as_view(), name="api_loan_extension"),
    path("loans/<uuid:uuid>/extension/accept/", views.LoanExtensionAcceptApi.as_view(), name="api_loan_accept"),
    path("loans/<uuid:uuid>/extension/refuse/", views.LoanExtensionRefuseApi.as_view(), name="api_loan_refuse"),
]
