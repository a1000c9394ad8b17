"""The sign-up on the public host (platform_.urls_public)."""

from django.urls import path

from . import views

urlpatterns = [
    path("anslut/", views.start, name="signup_start"),
    path("anslut/skickat/", views.sent, name="signup_sent"),
    path("anslut/bekrafta/<str:token>/", views.verify, name="signup_verify"),
    path("anslut/uppgifter/", views.details, name="signup_details"),
    path("anslut/adress/", views.slug_status, name="signup_slug"),
    path("anslut/be-om-inbjudan/", views.ask_admins, name="signup_ask_admins"),
    path("anslut/status/", views.progress, name="signup_progress"),
]
