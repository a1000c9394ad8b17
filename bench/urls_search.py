"""URLconf of bench/search.py: an organisation's pages as in production, plus a bare view to compare with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from platform_.urls_tenant import urlpatterns as organisation_urlpatterns


@login_required
def bare(request):
    # The floor: routing, sessions, the logged-in user and the middleware, but no page of our own.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *organisation_urlpatterns]
