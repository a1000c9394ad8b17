"""URLconf of the request benchmark (bench/tenancy_overhead.py): one trivial view that runs one small query."""

from django.http import HttpResponse
from django.urls import path

from accounts.models import User


def count_users(request):
    # accounts.User exists in the public schema and in every organisation's schema, so the count also shows
    # which schema the request was served from.
    return HttpResponse(str(User.objects.count()), content_type="text/plain")


urlpatterns = [path("bench/", count_users, name="bench_count_users")]
