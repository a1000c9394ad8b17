"""What every app's API declares the same way in the OpenAPI document: the error answers, pagination, and enums
drf-spectacular cannot name by itself.

Every error answer has one shape (``ErrorOutput``, made by platform_.api_errors). ``errors_for(...)`` gives an
operation's error answers: the codes named, plus 401 and 429, which any operation can give. Listings and bookings
both have a ``status``, with different values; left to itself drf-spectacular would name the two enums after a hash
and warn, so a ``StatusField`` names its enum component explicitly.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. `sold_out`, `not_found`, `invalid`.")
    message = serializers.CharField(help_text="For people, in the language of Accept-Language (sv or en).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Only for `invalid`: messages per input field; a list's items are named `photos.0`, `photos.1`.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Only for `throttled` (429): seconds to wait, as in the `Retry-After` header."
    )


class ErrorOutput(serializers.Serializer):
    """The shape of every error answer (platform_.api_errors)."""

    error = ErrorDetailOutput()


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorOutput, description=description)


THROTTLED = OpenApiResponse(
    response=ErrorOutput,
    description="Too many requests for this key, person or address (`throttled`): wait `Retry-After` seconds "
    "(also in `error.retry_after`).",
)
ERRORS = {
    400: _error("Invalid input (`invalid`, with `fields`), a body that is not valid JSON (`parse_error`) or a "
                "refused operation: `error.code` says which."),
    401: _error("Not logged in, or the token is missing, expired or revoked (`not_authenticated`)."),
    403: _error("Not allowed for you (`not_allowed`, `permission_denied`)."),
    404: _error("Nothing at this address that you may see (`not_found`)."),
    409: _error("Not possible in the current state, e.g. `sold_out` or `not_possible_now`."),
    412: _error("`If-Match` names a version that is no longer the listing's: someone else edited it since you read it "
                "(`edited_meanwhile`). Read it again."),
    413: _error("The request body is over the size limit (`too_large`)."),
    415: _error("A body that is neither JSON nor a form (`unsupported_media_type`)."),
    429: THROTTLED,
}
# A list's `page` beyond the last page, or not a number, is answered 404 like any other missing thing.
PAGE_NOT_FOUND = {404: _error("No such page of results (`not_found`): `page` is past the last page or not a number.")}
# Operations that read a body can also meet a body that is too large or of the wrong type.
BODY = (400, 413, 415)


def errors_for(*codes: int) -> dict:
    """The error answers of an operation: these, plus 401 and 429, which any operation can give."""
    return {code: ERRORS[code] for code in sorted({401, 429, *codes})}


def paginated(view: APIView, request, queryset, serializer_class) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"request": request}).data)


class StatusField(serializers.ChoiceField):
    def __init__(self, *, choices, component: str, **kwargs) -> None:
        super().__init__(choices=choices, **kwargs)
        self.component = component


class StatusFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StatusField

    def get_name(self) -> str:
        return self.target.component

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        return schema
