from django.conf import settings


def organisation(request):
    tenant = getattr(request, "tenant", None)
    organisation = tenant if getattr(tenant, "pk", None) else None
    return {
        # None at the root domain, where request.tenant is django-tenants' stand-in for the public schema.
        "organisation": organisation,
        # The banner of read-only mode (an overdue payment, decision 0052), from the routed organisation: no query.
        "billing_read_only": bool(getattr(organisation, "billing_read_only", False)),
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
