"""The first-run pages on a new organisation's host (platform_.urls_tenant)."""

from django.urls import path

from . import views

urlpatterns = [
    path("kom-igang/", views.checklist, name="onboarding_checklist"),
    path("kom-igang/losenord/<str:uidb64>/<str:token>/", views.password, name="onboarding_password"),
]
