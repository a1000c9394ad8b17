from django.conf import settings


def organisation(request):
    tenant = getattr(request, "tenant", None)
    return {
        # None at the root domain, where request.tenant is django-tenants' stand-in for the public schema.
        "organisation": tenant if getattr(tenant, "pk", None) else None,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
