"""The "API keys" page: a person makes and revokes their own API tokens (django-rest-knox).

A new key is shown once, in the answer to the POST that made it; only its hash is stored, so it cannot be shown
again. The page is never cached.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors, services


@never_cache
@login_required
def api_tokens(request):
    new_key = new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            prefix = request.POST["revoke"]
            if services.revoke_api_token(user=request.user, token_id=prefix):
                messages.success(request, _("The API key %(prefix)s… has been revoked.") % {"prefix": prefix})
            return redirect("api_tokens")
        new_token, new_key = services.create_api_token(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": selectors.api_tokens(user=request.user),
            "new_key": new_key,
            "new_token": new_token,
            "valid_days": settings.REST_KNOX["TOKEN_TTL"].days,
        },
    )
