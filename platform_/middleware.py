"""Find the organisation a request is for, from its host, and point the database connection at its schema.

Replaces django-tenants' TenantMainMiddleware: the host lookup is cached per process (tenants.routing) and the
connection keeps its search path when the schema does not change (platform_.db). Unknown hosts get a friendly 404
page, suspended organisations a page that says so; neither ever reaches a view.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import set_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

from platform_ import api_errors
from platform_.language import language_for
from tenants.selectors import organisation_for_host

if settings.SENTRY_DSN:
    from platform_.observability import tag_organisation
else:
    tag_organisation = None


def _page(request, template: str, status: int, context: dict | None = None, *, code: str, message):
    """A page answered before any view: no URLs of an organisation work here, so no language switch either.

    Under /api/ the same answer is the API's JSON error (``code``, ``message``), not a page.
    """
    language = language_for(request)
    with translation.override(language):
        if api_errors.is_api_path(request):
            response = JsonResponse(api_errors.error_body(code, message(context or {})), status=status)
            response["Content-Language"] = language
            return response
        context = {"hide_language_switch": True, **(context or {})}
        response = TemplateResponse(request, template, context, status=status)
        response.render()
    response["Content-Language"] = language
    return response


# The pages' own sentences, so the JSON answers need no new translations.
UNKNOWN = {"code": "unknown_organisation", "message": lambda context: _("There is no organisation at this address")}
SUSPENDED = {
    "code": "suspended",
    "message": lambda context: _(
        "The organisation's access to Delbar is suspended. Nothing has been deleted. Contact your organisation's "
        "Delbar administrator."
    ),
}
PROVISIONING = {
    "code": "provisioning",
    "message": lambda context: _("%(name)s is being set up") % {"name": context["organisation"].name},
}


class OrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public_hosts = {settings.PLATFORM_DOMAIN, f"www.{settings.PLATFORM_DOMAIN}"}
        if not settings.PRODUCTION:
            self.public_hosts |= {"testserver", "127.0.0.1"}

    def __call__(self, request):
        try:
            host = request.get_host().split(":", 1)[0].lower()
        except DisallowedHost:
            return _page(request, "tenants/unknown_host.html", 404, **UNKNOWN)

        if host in self.public_hosts:
            connection.set_schema_to_public()
            request.tenant = connection.tenant  # django-tenants' stand-in for the public schema
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            if tag_organisation:
                tag_organisation(None)
            return self.get_response(request)

        organisation = organisation_for_host(host=host)
        if organisation is None:
            connection.set_schema_to_public()
            return _page(request, "tenants/unknown_host.html", 404, {"host": host}, **UNKNOWN)
        if organisation.is_suspended:
            connection.set_schema_to_public()
            return _page(request, "tenants/suspended.html", 403, {"organisation": organisation}, **SUSPENDED)
        if not organisation.is_active:
            connection.set_schema_to_public()
            response = _page(request, "tenants/provisioning.html", 503, {"organisation": organisation}, **PROVISIONING)
            response["Retry-After"] = "10"
            return response

        request.tenant = organisation
        connection.set_tenant(organisation)
        if tag_organisation:
            tag_organisation(organisation.schema_name, organisation.slug)
        return self.get_response(request)
