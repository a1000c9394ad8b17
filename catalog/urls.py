from django.urls import path

from . import storage_views, views

urlpatterns = [
    path("", views.browse, name="home"),
    path("annonser/ny/", views.listing_create, name="listing_create"),
    path("annonser/foton/", views.pending_photo_upload, name="pending_photo_upload"),
    path("annonser/foton/<uuid:uuid>/", views.pending_photo, name="pending_photo"),
    path("annonser/foton/<uuid:uuid>/ta-bort/", views.pending_photo_remove, name="pending_photo_remove"),
    path("annonser/kategoriforslag/", views.category_suggestions, name="category_suggestions"),
    path("annonser/<uuid:uuid>/", views.listing_detail, name="listing_detail"),
    path("annonser/<uuid:uuid>/andra/", views.listing_edit, name="listing_edit"),
    path("annonser/<uuid:uuid>/publicera/", views.listing_publish, name="listing_publish"),
    path("annonser/<uuid:uuid>/ta-ned/", views.listing_withdraw, name="listing_withdraw"),
    path("annonser/<uuid:uuid>/reservera/", views.listing_reserve, name="listing_reserve"),
    path("bilder/<int:pk>/<str:size>/", views.photo, name="listing_photo"),
    path("installningar/platser/", views.places, name="places"),
    path("installningar/platser/<int:pk>/", views.place_edit, name="place_edit"),
    path("lager/", storage_views.storage, name="storage"),
    path("lager/registrera/", storage_views.storage_register, name="storage_register"),
    path("lager/etiketter/", storage_views.storage_labels, name="storage_labels"),
    path("lager/publicera/", storage_views.storage_publish, name="storage_publish"),
    path("lager/inventering/", storage_views.stocktaking, name="stocktaking"),
    path("annonser/<uuid:uuid>/sedd/", storage_views.listing_seen, name="listing_seen"),
    path("l/<str:code>/", storage_views.label_code, name="label_code"),
]
