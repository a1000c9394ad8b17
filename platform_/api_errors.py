"""One JSON shape for every API error, in the language the request asked for (Accept-Language).

    {"error": {"code": "not_found", "message": "Hittades inte."}}
    {"error": {"code": "invalid", "message": "…", "fields": {"title": ["Detta fält får inte vara tomt."]}}}

``fields`` appears only for invalid input, ``retry_after`` (seconds) only for 429 ``throttled``. Business-rule
refusals from the services (any app's subclass of ``platform_.errors.DomainError``) carry their own code and HTTP
status, e.g. 409 ``sold_out`` when someone else reserved the last item first.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.fields import get_error_detail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def field_messages(detail, name: str = "") -> dict[str, list[str]]:
    """Every message under the name of the input it is about, always ``{name: [message, …]}`` as documented.

    A list's items get dotted names: a second upload that is not a file is ``photos.1``, not a nested object.
    """
    if isinstance(detail, dict):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            for field, messages in field_messages(value, f"{name}.{key}" if name else str(key)).items():
                found.setdefault(field, []).extend(messages)
        return found
    if isinstance(detail, list):
        found = {}
        own = [str(item) for item in detail if not isinstance(item, dict | list)]
        if own:
            found[name or "non_field_errors"] = own
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                for field, messages in field_messages(item, f"{name}.{index}" if name else str(index)).items():
                    found.setdefault(field, []).extend(messages)
        return found
    return {name or "non_field_errors": [str(detail)]}


def error_body(code: str, message, fields: dict | None = None) -> dict:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # Errors are JSON whatever the view renders otherwise (the schema's YAML, the docs pages' HTML):
        # APIView.finalize_response takes the renderer from the request.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc, context):
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message, exc.fields), status=exc.http_status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(
                "too_large",
                _("The request is too large. Send photos as files, at most %(limit)s MB each.")
                % {"limit": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        return Response(error_body("bad_request", _("The request could not be read.")), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a real bug, let it be a 500 and reach Sentry
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _("Some of the information is missing or wrong."), field_messages(detail))
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = "not_authenticated"
        response.status_code = status.HTTP_401_UNAUTHORIZED
    message = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF's own message cannot be translated (its msgid is formatted before the lookup).
        response.data = error_body(code, _("Too many requests. Wait %(seconds)s s and try again.")
                                   % {"seconds": exc.wait})
        response.data["error"]["retry_after"] = int(exc.wait)  # seconds, as in the Retry-After header
        return response
    response.data = error_body(code, message)
    return response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, path: str = ""):
    """Any path under /api/ that names no endpoint: the same JSON 404 as everything else, never an HTML page."""
    raise exceptions.NotFound()


def is_api_path(request) -> bool:
    """A plain prefix test on the decoded path: no regex, so no ``.`` or ``$`` that a newline could slip past."""
    return request.path_info.startswith("/api/")


def _json_error(code: str, message, status_code: int):
    from django.http import JsonResponse

    return JsonResponse(error_body(code, message), status=status_code)


# Django's handler400/403/404/500: the URLconfs (urls_tenant, urls_public) name these. They answer whatever no view
# answered itself — e.g. a path under /api/ that no route matches, such as one with a newline in it, which the
# catch-all route's ``.*`` would not match before it had the DOTALL flag.


def bad_request(request, exception, *args, **kwargs):
    if is_api_path(request):
        return _json_error("bad_request", _("The request could not be read."), 400)
    from django.views.defaults import bad_request as page

    return page(request, exception, *args, **kwargs)


def permission_denied(request, exception, *args, **kwargs):
    if is_api_path(request):
        return _json_error("permission_denied", exceptions.PermissionDenied.default_detail, 403)
    from django.views.defaults import permission_denied as page

    return page(request, exception, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    if is_api_path(request):
        return _json_error("not_found", exceptions.NotFound.default_detail, 404)
    from django.views.defaults import page_not_found as page

    return page(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """The 500 answer: the JSON error shape under /api/, the friendly page elsewhere (Django's handler500)."""
    if is_api_path(request):
        return _json_error("server_error", _("Something went wrong on our side. Try again in a moment."), 500)
    from django.views.defaults import server_error as page

    return page(request, *args, **kwargs)
