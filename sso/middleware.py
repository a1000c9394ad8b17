"""The login page's Content-Security-Policy allows its form to lead to the organisation's provider (decision 0056).

The policy says ``form-action 'self'``, and browsers apply it to the redirects that follow a form's submission too:
the button "Log in with …" posts to allauth's /konto/oidc/sso/login/, which redirects to the provider's authorize
endpoint, so that origin is added to ``form-action`` on the two pages whose form starts the login — nowhere else."""

from __future__ import annotations

from . import selectors

FORM_PAGES = ("/konto/login/", "/konto/oidc/sso/login/")


class ProviderFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path in FORM_PAGES and "text/html" in response.get("Content-Type", ""):
            origin = selectors.authorization_origin()
            if origin:
                update = dict(getattr(response, "_csp_update", None) or {})
                update["form-action"] = [*update.get("form-action", []), origin]
                response._csp_update = update
        return response
