from django.urls import path

from . import views

urlpatterns = [
    path("installningar/", views.organisation_settings, name="organisation_settings"),
]
