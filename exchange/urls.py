from django.urls import path

from . import search_views, views

urlpatterns = [
    path("natverk/", views.networks, name="networks"),
    path("natverk/sok/", search_views.offer_search, name="offer_search"),
    path("natverk/synlighet/", views.default_reach, name="network_default_reach"),
    path("natverk/<int:pk>/", views.network_detail, name="network_detail"),
    path("natverk/<int:pk>/bjud-in/", views.network_invite, name="network_invite"),
    path("natverk/<int:pk>/svara/", views.network_answer, name="network_answer"),
    path("natverk/<int:pk>/lamna/", views.network_leave, name="network_leave"),
]
