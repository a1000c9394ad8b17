"""URLs of the root domain: the public site and the platform console."""

from django.urls import include, path

from . import security_txt, views
from .console import console_site
from .console_billing import PlanAdmin  # noqa: F401  (billing in the console: plans, subscriptions, invoices)
from .console_onboarding import SignUpAdmin  # noqa: F401  (registers the sign-ups on the console)

# Under /api/ even the root domain answers errors in the API's JSON shape (platform_.api_errors).
handler400 = "platform_.api_errors.bad_request"
handler403 = "platform_.api_errors.permission_denied"
handler404 = "platform_.api_errors.page_not_found"
handler500 = "platform_.api_errors.server_error"

urlpatterns = [
    # The public site: what Delbar is, figures, prices, data, contact, "find your organisation" (decision 0055).
    path("", include("public_site.urls")),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("oppna-data/effekt.json", views.open_impact_data, name="open_impact_data"),
    path("", include("onboarding.urls")),  # sign-up of a new organisation, /anslut/ (decision 0051)
    path("", include("impact.urls")),  # the methodology of the impact figures, /metod/
    path(".well-known/security.txt", security_txt.security_txt, name="security_txt"),
    path("sakerhet/", security_txt.security_policy, name="security_policy"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Platform admins (public schema) log in here, through allauth and its rate limits; sign-up is closed.
    path("konto/", include("allauth.urls")),
    path("konsol/", console_site.urls),
    path("", include("billing.urls_public")),  # Stripe's webhook, /stripe/webhook/ (decision 0052)
]
