from django.conf import settings


def organisation(request):
    return {
        "organisation": getattr(request, "tenant", None),
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
