"""The API at /api/ on an organisation's host, and its OpenAPI document and docs pages.

The docs pages load Swagger UI and ReDoc from drf-spectacular-sidecar, i.e. from our own /static/, never a CDN.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("", include("catalog.api.urls")),
]
