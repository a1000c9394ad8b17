from django.urls import path

from . import approval_views, deal_views, mine_views, photo_views, search_views, views

urlpatterns = [
    path("natverk/", views.networks, name="networks"),
    path("natverk/sok/", search_views.offer_search, name="offer_search"),
    path("natverk/bilder/<int:pk>/<str:size>/", photo_views.offer_photo, name="offer_photo"),
    path("natverk/synlighet/", views.default_reach, name="network_default_reach"),
    path("natverk/<int:pk>/", views.network_detail, name="network_detail"),
    path("natverk/<int:pk>/bjud-in/", views.network_invite, name="network_invite"),
    path("natverk/<int:pk>/svara/", views.network_answer, name="network_answer"),
    path("natverk/<int:pk>/lamna/", views.network_leave, name="network_leave"),
    path("mina-annonser/", mine_views.my_listings, name="my_listings"),
    path("mina-reservationer/", mine_views.my_reservations, name="my_reservations"),
    path("natverk/erbjudanden/<int:pk>/", deal_views.offer_detail, name="offer_detail"),
    path("natverk/affarer/", deal_views.deals, name="deals"),
    path("natverk/affarer/<uuid:uuid>/avtal/", deal_views.deal_agreement, name="deal_agreement"),
    path("natverk/affarer/<uuid:uuid>/", deal_views.deal_detail, name="deal_detail"),
    path("natverk/affarer/<uuid:uuid>/godkann/", deal_views.deal_accept, name="deal_accept"),
    path("natverk/affarer/<uuid:uuid>/avboj/", deal_views.deal_decline, name="deal_decline"),
    path("natverk/affarer/<uuid:uuid>/avbryt/", deal_views.deal_cancel, name="deal_cancel"),
    path("natverk/affarer/<uuid:uuid>/meddelande/", deal_views.deal_message, name="deal_message"),
    # A department manager's approval before the owner is asked (decision 0048), and the queue of both kinds.
    path("att-godkanna/", approval_views.approval_queue, name="approval_queue"),
    path("natverk/affarer/<uuid:uuid>/godkannande/ja/", approval_views.deal_approve, name="deal_approve"),
    path("natverk/affarer/<uuid:uuid>/godkannande/nej/", approval_views.deal_refuse, name="deal_refuse"),
]
