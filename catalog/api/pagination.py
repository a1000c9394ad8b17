"""Pages of search results that say what the search did: whether more matched than were ranked, and which words
were searched when a misspelling was corrected (catalog/search.py)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class SearchPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.results = queryset
        return super().paginate_queryset(queryset, request, view=view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # More matched than were ranked (a word search), or more than were counted (the exchange's browse).
        response.data["more_than_count"] = bool(
            getattr(self.results, "capped", False) or getattr(self.results, "more_than", False)
        )
        response.data["searched_for"] = getattr(self.results, "corrected_query", "") or None
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["more_than_count"] = {
            "type": "boolean",
            "description": "True when more matched than were ranked (the newest 200 are) or, for the exchange's "
            "offers without `q`, than were counted (1,000): `count` is then a lower bound; narrow the search.",
        }
        schema["properties"]["searched_for"] = {
            "type": "string",
            "nullable": True,
            "description": "When no listing matched `q`, the closest title words that were searched instead.",
        }
        schema["required"] = [*schema.get("required", []), "more_than_count", "searched_for"]
        return schema
