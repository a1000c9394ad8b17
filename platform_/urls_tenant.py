"""URLs of an organisation's host, <slug>.<PLATFORM_DOMAIN>."""

from django.urls import include, path

from accounts.admin import organisation_admin_site

from . import security_txt, views

handler400 = "platform_.api_errors.bad_request"
handler403 = "platform_.api_errors.permission_denied"
handler404 = "platform_.api_errors.page_not_found"
handler500 = "platform_.api_errors.server_error"

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("bookings.urls")),
    path("", include("accounts.urls")),
    path("", include("orgadmin.urls")),  # the organisation's admin pages, /administrera/ (decision 0039)
    path("", include("billing.urls")),  # the subscription page, /administrera/abonnemang/ (decision 0052)
    path("", include("sso.urls")),  # single sign-on's configuration, /administrera/inloggning/ (decision 0056)
    path("", include("exchange.urls")),
    path("", include("reports.urls")),
    path("", include("needs.urls")),  # check before you buy, /behov/ (decision 0033)
    path("", include("wanted.urls")),  # wanted ads, /efterlysningar/ (decision 0036)
    path("", include("workspace.urls")),  # the operator's workspace, /arbetsyta/ (decision 0044)
    path("", include("tenants.urls")),
    path("", include("onboarding.tenant_urls")),  # the first admin's password and first-run checklist (decision 0051)
    path("", include("impact.urls")),  # the methodology of the impact figures, /metod/
    path("", include("history.urls")),  # the history of every change, /historik/ (decision 0042)
    path("", include("notifications.urls")),  # the bell's page, /aviseringar/ (decision 0047)
    path("api/", include("platform_.api_urls")),
    path("konto/", include("allauth.urls")),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path(".well-known/security.txt", security_txt.security_txt, name="security_txt"),
    path("sakerhet/", security_txt.security_policy, name="security_policy"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", organisation_admin_site.urls),
]
