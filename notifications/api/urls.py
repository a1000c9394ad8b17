"""The notifications API, included under /api/ by platform_.api_urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationsApi.as_view(), name="api_notifications"),
    path("notifications/read-all/", views.NotificationsReadAllApi.as_view(), name="api_notifications_read_all"),
    path("notifications/<int:id>/read/", views.NotificationReadApi.as_view(), name="api_notification_read"),
]
