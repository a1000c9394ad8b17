"""The API at /api/ on an organisation's host, and its OpenAPI document and docs pages.

The docs pages load Swagger UI and ReDoc from drf-spectacular-sidecar, i.e. from our own /static/, never a CDN;
our ReDoc template drops the Google Fonts that drf-spectacular's links to.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .api_errors import not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api_schema", template_name="api/redoc.html"),
        name="api_redoc",
    ),
    path("", include("catalog.api.urls")),
    path("", include("bookings.api.urls")),
    re_path(r"^(?P<path>.*)$", not_found),
]
