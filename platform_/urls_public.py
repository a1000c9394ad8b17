"""URLs of the root domain: the public site and the platform console."""

from django.urls import include, path

from . import views
from .console import console_site

# Under /api/ even the root domain answers errors in the API's JSON shape (platform_.api_errors).
handler400 = "platform_.api_errors.bad_request"
handler403 = "platform_.api_errors.permission_denied"
handler404 = "platform_.api_errors.page_not_found"
handler500 = "platform_.api_errors.server_error"

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konsol/", console_site.urls),
]
