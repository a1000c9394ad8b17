"""`/.well-known/security.txt` (RFC 9116) on every host, and the page it points to about reporting a vulnerability."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tenants.selectors import platform_base_url

# RFC 9116 asks for an Expires under a year ahead; made per answer, so it never goes stale.
EXPIRES_AFTER = timedelta(days=180)


@require_GET
@cache_control(max_age=86400, public=True)
def security_txt(request):
    expires = (timezone.now() + EXPIRES_AFTER).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT_EMAIL}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: sv, en",
        f"Canonical: {platform_base_url() + '/.well-known/security.txt'}",
        f"Policy: {platform_base_url() + '/sakerhet/'}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def security_policy(request):
    return render(request, "security/policy.html", {"contact": settings.SECURITY_CONTACT_EMAIL})
