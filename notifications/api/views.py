"""The notifications API (decision 0047): your notifications newest first, one marked read, all marked read. Thin
views over notifications.selectors and notifications.services; someone else's notification is a 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from platform_.api_docs import PAGE_NOT_FOUND
from platform_.api_docs import errors_for as _errors
from platform_.api_docs import paginated as _paginated

from .. import selectors, services
from ..errors import NotificationError
from . import serializers as s


class NotificationsApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="notifications",
        tags=["notifications"],
        summary="My notifications, newest first, read and unread",
        responses={200: s.NotificationOutput(many=True), **_errors(), **PAGE_NOT_FOUND},
    )
    def get(self, request):
        return _paginated(self, request, selectors.notifications(user=request.user), s.NotificationOutput)


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notification_read",
        tags=["notifications"],
        summary="Mark one of my notifications read",
        request=None,
        responses={200: s.NotificationOutput, **_errors(404)},
    )
    def post(self, request, id: int):  # noqa: A002 (the path's name, as the other APIs' {id})
        try:
            notification = services.mark_read(user=request.user, pk=id)
        except NotificationError as error:
            raise NotFound() from error
        return Response(s.NotificationOutput(notification).data)


class NotificationsReadAllApi(APIView):
    @extend_schema(
        operation_id="notifications_read_all",
        tags=["notifications"],
        summary="Mark all my notifications read",
        request=None,
        responses={200: s.UnreadOutput, **_errors()},
    )
    def post(self, request):
        services.mark_all_read(user=request.user)
        return Response({"unread": 0})
