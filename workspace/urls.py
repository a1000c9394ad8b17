from django.urls import path

from . import views

urlpatterns = [
    path("arbetsyta/", views.workspace, name="workspace"),
    path("arbetsyta/atgard/", views.bulk_action, name="workspace_bulk"),
    path("arbetsyta/annonser/<uuid:uuid>/kopiera/", views.duplicate, name="workspace_duplicate"),
    path("arbetsyta/fornya/<str:token>/", views.renew, name="workspace_renew"),
]
