from django.urls import path

from . import views

urlpatterns = [
    path("administrera/inloggning/", views.configuration, name="sso_configuration"),
]
