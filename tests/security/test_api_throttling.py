"""Finding 13b of issue 13: the API is throttled per key, per person and (anonymous) per client address.

Answers over the limit are 429 in the API's JSON error shape with Retry-After. The history lives in the cache, under
keys prefixed with the schema, so one organisation's person never uses up another's rate.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api_support import api_client, new_token, token_client
from tests.conftest import host_of, user_in

pytestmark = pytest.mark.django_db

REDIS_CACHE_URL = "redis://127.0.0.1:6379/12"  # this test's own Redis database


@pytest.fixture
def rates(settings):
    def set_rates(**rates) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"key": None, "person": None, "anon": None, **rates},
        }

    return set_rates


def _throttled(response) -> None:
    assert response.status_code == 429, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["message"]
    assert int(response["Retry-After"]) >= 1
    assert error["retry_after"] == int(response["Retry-After"])


def test_one_key_is_throttled_and_the_persons_other_key_is_not(ystad, rates):
    # given a rate of 3 a day per key
    rates(key="3/day")
    person = user_in(ystad, "personal")
    first = token_client(ystad, person, HTTP_ACCEPT_LANGUAGE="en")
    # when the first key makes four requests
    answers = [first.get("/api/categories/").status_code for _ in range(3)]
    fourth = first.get("/api/categories/")
    # then the fourth is refused, and another key of the same person still works
    assert answers == [200, 200, 200]
    _throttled(fourth)
    assert token_client(ystad, person).get("/api/categories/").status_code == 200


def test_a_person_is_throttled_across_keys_and_session(ystad, rates):
    # given a rate of 3 a day per person
    rates(person="3/day")
    person = user_in(ystad, "personal")
    # when the person uses two keys and a session
    answers = [
        token_client(ystad, person).get("/api/categories/").status_code,
        token_client(ystad, person).get("/api/categories/").status_code,
        api_client(ystad, person).get("/api/categories/").status_code,
    ]
    fourth = api_client(ystad, person).get("/api/categories/")
    # then the fourth request is refused whichever way it comes, while a colleague is not affected
    assert answers == [200, 200, 200]
    _throttled(fourth)
    assert token_client(ystad, user_in(ystad, "chef")).get("/api/categories/").status_code == 200


def test_the_throttled_message_is_in_the_language_asked_for(ystad, rates):
    rates(person="1/day")
    client = token_client(ystad, user_in(ystad, "personal"), HTTP_ACCEPT_LANGUAGE="sv")
    client.get("/api/categories/")
    response = client.get("/api/categories/")
    _throttled(response)
    assert response.json()["error"]["message"].startswith("För många anrop.")


def test_anonymous_requests_are_throttled_per_client_address(ystad, rates):
    # given 3 anonymous requests a day per address, and no trusted proxy
    rates(anon="3/day")
    client = Client(HTTP_HOST=host_of(ystad))
    # when one address makes four requests, the last with an X-Forwarded-For of its own choosing
    answers = [client.get("/api/nothing/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    fourth = client.get("/api/nothing/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    # then it is refused (the header changes nothing), and another address is not
    assert answers == [404, 404, 404]
    _throttled(fourth)
    assert client.get("/api/nothing/", REMOTE_ADDR="203.0.113.8").status_code == 404


def test_behind_one_trusted_proxy_the_address_it_saw_counts(ystad, rates, settings):
    # given one trusted proxy (TRUSTED_PROXY_COUNT=1) that appends the client's address to X-Forwarded-For
    rates(anon="1/day")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what TRUSTED_PROXY_COUNT sets; platform_.client_ip reads it
    client = Client(HTTP_HOST=host_of(ystad), REMOTE_ADDR="10.0.0.2")
    # when two clients come through it, one of them claiming to be the other
    first = client.get("/api/nothing/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    again = client.get("/api/nothing/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    other = client.get("/api/nothing/", HTTP_X_FORWARDED_FOR="203.0.113.8")
    # then each client has its own history: the one the proxy saw
    assert first.status_code == 404
    _throttled(again)
    assert other.status_code == 404


@pytest.fixture
def redis_cache(settings):
    """The real Redis as the default cache (the production set-up), in this test's own database, emptied after."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def test_histories_are_per_organisation(ystad, skurup, rates, redis_cache):
    # given a person in Ystad and one in Skurup with the same id, and 2 requests a day per person
    rates(person="2/day")
    ystad_person, skurup_person = user_in(ystad, "personal"), user_in(skurup, "personal")
    assert ystad_person.pk == skurup_person.pk  # the demo world makes them in the same order
    ystad_client = token_client(ystad, ystad_person, new_token(ystad, ystad_person))
    skurup_client = token_client(skurup, skurup_person, new_token(skurup, skurup_person))
    # when the Ystad person uses up their rate
    assert [ystad_client.get("/api/categories/").status_code for _ in range(2)] == [200, 200]
    _throttled(ystad_client.get("/api/categories/"))
    # then the Skurup person with the same id is not throttled, and each history is under its schema's key
    assert skurup_client.get("/api/categories/").status_code == 200
    keys = {key.decode() for key in redis_cache._cache.get_client().keys("*throttle_person_*")}
    ident = f"1:throttle_person_{ystad_person.pk}"
    assert keys == {f"org_ystad::{ident}", f"org_skurup::{ident}"}
