from django.urls import path

from . import views

urlpatterns = [
    path("mitt-konto/", views.profile, name="profile"),
    path("kollegor/", views.colleagues, name="colleagues"),
    path("kollegor/inbjudan/<int:pk>/aterkalla/", views.revoke_invitation, name="revoke_invitation"),
    path("konto/inbjudan/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
