"""The exchange API, included under /api/ by platform_.api_urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("exchange/offers/", views.OffersApi.as_view(), name="api_exchange_offers"),
    path("exchange/offers/<int:pk>/", views.OfferApi.as_view(), name="api_exchange_offer"),
    path("exchange/photos/<int:pk>/<str:size>/", views.OfferPhotoFileApi.as_view(), name="api_exchange_photo"),
    path("exchange/deals/", views.DealsApi.as_view(), name="api_exchange_deals"),
    path("exchange/deals/<uuid:uuid>/", views.DealApi.as_view(), name="api_exchange_deal"),
    path("exchange/deals/<uuid:uuid>/accept/", views.DealAcceptApi.as_view(), name="api_exchange_deal_accept"),
    path("exchange/deals/<uuid:uuid>/decline/", views.DealDeclineApi.as_view(), name="api_exchange_deal_decline"),
    path("exchange/deals/<uuid:uuid>/cancel/", views.DealCancelApi.as_view(), name="api_exchange_deal_cancel"),
    path("exchange/deals/<uuid:uuid>/approve/", views.DealApproveApi.as_view(), name="api_exchange_deal_approve"),
    path("exchange/deals/<uuid:uuid>/refuse/", views.DealRefuseApi.as_view(), name="api_exchange_deal_refuse"),
    path("exchange/deals/<uuid:uuid>/messages/", views.DealMessagesApi.as_view(), name="api_exchange_deal_message"),
]
