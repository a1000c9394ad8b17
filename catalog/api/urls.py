"""The catalogue API, included under /api/ by platform_.api_urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("listings/", views.ListingsApi.as_view(), name="api_listings"),
    path("listings/<uuid:uuid>/", views.ListingApi.as_view(), name="api_listing"),
    path("listings/<uuid:uuid>/publish/", views.ListingPublishApi.as_view(), name="api_listing_publish"),
    path("listings/<uuid:uuid>/withdraw/", views.ListingWithdrawApi.as_view(), name="api_listing_withdraw"),
    path("categories/", views.CategoriesApi.as_view(), name="api_categories"),
    path("photos/<int:pk>/<str:size>/", views.PhotoFileApi.as_view(), name="api_photo"),
]
