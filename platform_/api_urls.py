"""The API at /api/ on an organisation's host, and its OpenAPI document and docs pages.

The docs pages load Swagger UI and ReDoc from drf-spectacular-sidecar, i.e. from our own /static/, never a CDN;
our ReDoc template drops the Google Fonts that drf-spectacular's links to. Both keep to the Content-Security-Policy:
Swagger UI's start-up script is served from ``/api/docs/?script``, not inline; ReDoc may use inline styles.
"""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from .api_errors import not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        # Swagger UI's style sheet draws its icons with data: images.
        csp_update({"img-src": ["'self'", "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html")
        ),
        name="api_docs",
    ),
    path(
        "redoc/",
        # ReDoc's bundle inserts style elements as it loads (style-loader, styled-components), before a nonce could
        # be handed to it; so this page alone allows inline styles — never inline scripts. Its search runs in a
        # Worker made from a blob: URL. Swagger UI (/api/docs/) needs neither.
        csp_update({
            "style-src": ["'self'", "'unsafe-inline'"],
            "worker-src": ["'self'", "blob:"],
            "img-src": ["'self'", "data:"],
        })(
            SpectacularRedocView.as_view(url_name="api_schema", template_name="api/redoc.html")
        ),
        name="api_redoc",
    ),
    path("", include("catalog.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("exchange.api.urls")),
    # (?s): a path with a newline in it (/api/foo%0Abar/) is still "anything" and gets the same JSON 404.
    re_path(r"^(?P<path>(?s:.*))$", not_found),
]
