from django.urls import path

from . import views

urlpatterns = [
    path("statistik/", views.statistics, name="statistics"),
]
