from django.urls import path

from . import views

urlpatterns = [
    path("behov/", views.my_needs, name="my_needs"),
    path("behov/ny/", views.need_create, name="need_create"),
    path("behov/rapport/", views.report, name="needs_report"),
    path("behov/rapport/csv/", views.report_csv, name="needs_report_csv"),
    path("behov/<uuid:uuid>/", views.need_detail, name="need_detail"),
    path("behov/<uuid:uuid>/stang/", views.need_close, name="need_close"),
    path("behov/<uuid:uuid>/efterlys/", views.need_to_wanted, name="need_to_wanted"),
]
