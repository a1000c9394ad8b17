"""Locust: staff of many organisations browsing, searching, opening listings, reserving and searching the exchange.

Each simulated person belongs to one organisation (picked at random among LOAD_ORGANISATIONS, seeded by
bench/load/run.py), logs in through the login form and then works through its pages with a few seconds between
clicks. Every request names the page, not the URL, so the figures come per page.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

ORGANISATIONS = [slug for slug in os.environ.get("LOAD_ORGANISATIONS", "").split(",") if slug]
DOMAIN = os.environ.get("LOAD_PLATFORM_DOMAIN", "delbar.test")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
EMAIL = os.environ.get("LOAD_EMAIL", "person-1@bench-search.example")
WORDS = ["stol", "skrivbord", "bord", "lampa", "hylla", "skåp", "soffa", "skärm", "whiteboard", "kontorsstol"]
LISTING = re.compile(r'href="/annonser/([0-9a-f-]{36})/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        self.slug = random.choice(ORGANISATIONS)
        self.client.headers["Host"] = f"{self.slug}.{DOMAIN}"
        self.listings: list[str] = []
        page = self.client.get("/konto/login/", name="login form")
        token = CSRF.search(page.text)
        self.client.post("/konto/login/", name="login", data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "login": EMAIL, "password": PASSWORD,
        }, headers={"Referer": f"http://{self.slug}.{DOMAIN}/konto/login/"})

    @task(5)
    def browse(self):
        page = self.client.get("/", name="browse /")
        self.listings = LISTING.findall(page.text) or self.listings

    @task(4)
    def search(self):
        page = self.client.get("/", params={"q": random.choice(WORDS)}, name="search /?q=")
        self.listings = LISTING.findall(page.text) or self.listings

    @task(4)
    def listing(self):
        if self.listings:
            self.client.get(f"/annonser/{random.choice(self.listings)}/", name="listing /annonser/<uuid>/")

    @task(2)
    def exchange(self):
        self.client.get("/natverk/sok/", params={"q": random.choice(WORDS)}, name="exchange /natverk/sok/?q=")

    @task(1)
    def reserve(self):
        if not self.listings:
            return
        uuid = random.choice(self.listings)
        page = self.client.get(f"/annonser/{uuid}/", name="listing /annonser/<uuid>/")
        token = CSRF.search(page.text)
        if token is None or "reservera" not in page.text:
            return  # not reservable (reserved whole, lent out, or the person's own)
        # A refusal (taken a moment before) is an answer, not an error: 200 or a redirect.
        with self.client.post(f"/annonser/{uuid}/reservera/", name="reserve /annonser/<uuid>/reservera/",
                              data={"csrfmiddlewaretoken": token.group(1), "quantity": 1, "message": ""},
                              headers={"Referer": f"http://{self.slug}.{DOMAIN}/annonser/{uuid}/"},
                              catch_response=True) as response:
            if response.status_code in (200, 302, 400, 409):
                response.success()
