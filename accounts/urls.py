from django.urls import path

from . import token_views, views

urlpatterns = [
    path("mitt-konto/", views.profile, name="profile"),
    path("mitt-konto/api-nycklar/", token_views.api_tokens, name="api_tokens"),
    path("kollegor/", views.colleagues, name="colleagues"),
    path("kollegor/inbjudan/<int:pk>/aterkalla/", views.revoke_invitation, name="revoke_invitation"),
    path("konto/inbjudan/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
