"""The API at /api/ on an organisation's host, and its OpenAPI document and docs pages.

The docs page loads Swagger UI from drf-spectacular-sidecar, i.e. from our own /static/, never a CDN, and keeps to
the Content-Security-Policy: its start-up script is served from ``/api/docs/?script``, not inline. Its template and
style sheet make it pass axe (decision 0040); /api/redoc/ leads there.
"""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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
    # ReDoc was retired (decision 0040): its bundle failed axe on hundreds of elements (contrast, no lang, no main)
    # that its theme cannot all reach, and it was the one page allowing inline styles. The old address leads to the
    # Swagger UI page, which passes.
    path("redoc/", RedirectView.as_view(pattern_name="api_docs", permanent=True), name="api_redoc"),
    path("", include("catalog.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("exchange.api.urls")),
    path("", include("notifications.api.urls")),  # the bell's notifications (decision 0047)
    # (?s): a path with a newline in it (/api/foo%0Abar/) is still "anything" and gets the same JSON 404.
    re_path(r"^(?P<path>(?s:.*))$", not_found),
]
