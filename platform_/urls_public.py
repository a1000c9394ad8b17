"""URLs of the root domain: the public site and the platform console."""

from django.urls import include, path

from . import security_txt, views
from .console import console_site

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path(".well-known/security.txt", security_txt.security_txt, name="security_txt"),
    path("sakerhet/", security_txt.security_policy, name="security_policy"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Platform admins (public schema) log in here, through allauth and its rate limits; sign-up is closed.
    path("konto/", include("allauth.urls")),
    path("konsol/", console_site.urls),
]
