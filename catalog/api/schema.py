"""OpenAPI details drf-spectacular cannot guess.

Listings and reservations both have a ``status``, with different values. Left to itself drf-spectacular would name
the two enums after a hash and warn; a ``StatusField`` names its enum component explicitly.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers


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
