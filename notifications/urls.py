from django.urls import path

from . import views

urlpatterns = [
    path("aviseringar/", views.notification_list, name="notifications"),
    path("aviseringar/las-alla/", views.mark_all_read, name="notifications_read_all"),
    path("aviseringar/<int:pk>/", views.open_notification, name="notification_open"),
]
