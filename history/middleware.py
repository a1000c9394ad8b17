"""Who, which address and which method, attached to every write of a request (decision 0042).

pghistory's middleware opens a context for each request that may write; the triggers copy its id into each event
and its metadata (this) into ``pghistory_context`` of the schema the request runs in: the organisation's, since
``OrganisationMiddleware`` has set it before. The user is the integer id of that schema's ``accounts_user`` — a
token's user too: Django REST framework sets ``request.user`` in the view, and pghistory's request class catches it.
"""

from __future__ import annotations

import pghistory.middleware


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    def get_context(self, request) -> dict:
        context = super().get_context(request)
        context["method"] = request.method
        context["api"] = request.path.startswith("/api/")
        return context
