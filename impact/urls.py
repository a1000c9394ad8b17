from django.urls import path

from . import views

urlpatterns = [
    path("metod/", views.methodology, name="impact_methodology"),
]
