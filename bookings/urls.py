from django.urls import path

from . import views

urlpatterns = [
    path("annonser/<uuid:uuid>/boka/", views.listing_book, name="listing_book"),
    path("annonser/<uuid:uuid>/kolista/", views.listing_waitlist, name="listing_waitlist"),
    path("bokningar/<uuid:uuid>/", views.booking_detail, name="booking_detail"),
    path("bokningar/<uuid:uuid>/hamtad/", views.booking_pick_up, name="booking_pick_up"),
    path("bokningar/<uuid:uuid>/aterlamnad/", views.booking_return, name="booking_return"),
    path("bokningar/<uuid:uuid>/forlangning/", views.booking_extend, name="booking_extend"),
    path("bokningar/<uuid:uuid>/forlangning/svar/", views.booking_extension_answer, name="booking_extension_answer"),
    path("reservationer/<uuid:uuid>/overlamnad/", views.reservation_confirm, name="reservation_confirm"),
    path("bokningar/<uuid:uuid>/godkann/", views.booking_approve, name="booking_approve"),
    path("bokningar/<uuid:uuid>/avsla/", views.booking_refuse, name="booking_refuse"),
    path("reservationer/<uuid:uuid>/avboka/", views.reservation_cancel, name="reservation_cancel"),
]
