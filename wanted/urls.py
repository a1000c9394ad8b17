from django.urls import path

from . import views

urlpatterns = [
    path("efterlysningar/", views.wanted_list, name="wanted_list"),
    path("efterlysningar/ny/", views.wanted_create, name="wanted_create"),
    path("efterlysningar/mina/", views.my_wanted, name="my_wanted"),
    path("efterlysningar/<uuid:uuid>/", views.wanted_detail, name="wanted_detail"),
    path("efterlysningar/<uuid:uuid>/stang/", views.wanted_close, name="wanted_close"),
]
