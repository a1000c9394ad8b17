"""Locust: staff of many organisations browsing, searching, reserving, posting and using the exchange, over HTTPS.

Each simulated person belongs to one organisation (picked at random among LOAD_ORGANISATIONS, seeded by
bench/load/seed.py), logs in through the login form and then works through its pages with a few seconds between
clicks: browse and search the organisation's listings, open one and reserve it, post a listing through the form
with a photo (LOAD_PHOTO) and publish it, search the exchange, open another organisation's offer and ask for it,
and look at the organisation's deals. Forms are filled in as a browser submits them: the page's own fields and
defaults (html.parser), and what a person picks (a category, a transport, dates). Every request names the page, not
the URL, so the figures come per page. A refusal the product gives on purpose (taken meanwhile: 400 or 409, or the
form shown again; an offer found earlier and gone since: 404) counts as an answer, not an error; a 500, another
status or being sent to the login page is an error. How the posts ended (done or refused, and why) is written to
LOAD_OUTCOMES as JSON when the run stops.
"""

from __future__ import annotations

import collections
import datetime
import json
import os
import random
import re
from html.parser import HTMLParser

import urllib3
from locust import HttpUser, between, events, task

ORGANISATIONS = [slug for slug in os.environ.get("LOAD_ORGANISATIONS", "").split(",") if slug]
DOMAIN = os.environ.get("LOAD_PLATFORM_DOMAIN", "delbar.test")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
EMAIL = os.environ.get("LOAD_EMAIL", "person-1@bench-search.example")
PHOTO = os.environ.get("LOAD_PHOTO", "")
WORDS = ["stol", "skrivbord", "bord", "lampa", "hylla", "skåp", "soffa", "skärm", "whiteboard", "kontorsstol"]
TITLES = ["Kontorsstol med armstöd", "Skrivbord 160 cm, höj- och sänkbart", "Bokhylla i ek", "Golvlampa, svart",
          "Whiteboard på hjul", "Förvaringsskåp med lås", "Soffa, tre sits", "Datorskärm 24 tum", "Konferensbord"]
LISTING = re.compile(r'href="/annonser/([0-9a-f-]{36})/"')
OFFER = re.compile(r'href="/natverk/erbjudanden/(\d+)/"')
# Why a form came back: the first error the page shows (form_fields.html, messages).
REFUSAL = re.compile(r'class="(?:errors|form-errors|message[^"]*error[^"]*)"[^>]*>\s*(?:<p[^>]*>)?([^<]+)')
# The organisation's home page is where a refused login would not lead.
LOGIN_PATH = "/konto/login/"
OUTCOMES: collections.Counter = collections.Counter()

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # loopback's self-signed certificate


class Forms(HTMLParser):
    """The fields of each form with method post on a page, as a browser would submit them untouched, and the
    choices of each select and radio group (to pick from). What is inside a <template> is not part of the form."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._form: dict | None = None
        self._templates = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._templates += tag == "template"
        if self._templates:
            return
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = {"action": attributes.get("action"), "fields": {}, "choices": collections.defaultdict(list)}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attributes.get("name")
        fields, choices = self._form["fields"], self._form["choices"]
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind == "radio":
                choices[name].append(attributes.get("value") or "")
                if "checked" in attributes:
                    fields[name] = attributes.get("value") or ""
            elif kind == "checkbox":
                if "checked" in attributes:
                    fields[name] = attributes.get("value") or "on"
            elif kind not in ("submit", "file", "button"):
                fields[name] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            choices[self._select].append(value)
            if "selected" in attributes or self._select not in fields:
                fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None

    def having(self, field: str) -> dict | None:
        return next((form for form in self.forms if field in form["fields"] or field in form["choices"]), None)


class Staff(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        self.client.verify = False
        self.slug = random.choice(ORGANISATIONS)
        self.client.headers["Host"] = f"{self.slug}.{DOMAIN}"
        # What the reverse proxy in front (Caddy, deploy/) adds: each person's own address, so that the login rate
        # limits count per person as in production (TRUSTED_PROXY_COUNT=1), not all of them as 127.0.0.1.
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.client.headers["X-Forwarded-For"] = address
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.listings: list[str] = []
        self.offers: list[str] = []
        page = self.client.get(LOGIN_PATH, name="login form")
        form = Forms(page.text).having("login") or {"fields": {}}
        with self.client.post(LOGIN_PATH, name="login", data={
            **form["fields"], "login": EMAIL, "password": PASSWORD,
        }, headers=self._referer(LOGIN_PATH), catch_response=True) as response:
            if LOGIN_PATH in response.url:
                response.failure(f"login refused ({response.status_code})")

    def _referer(self, path: str) -> dict:
        return {"Referer": f"https://{self.slug}.{DOMAIN}{path}"}

    def _get(self, path: str, name: str, **kwargs):
        """A page; being sent to the login page is an error (the session was lost)."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code == 200 and LOGIN_PATH in response.url:
                response.failure("sent to the login page")
            return response

    def _answered(self, response, outcome: str, *, refusals=(400, 409)) -> None:
        """A POST's answer: followed to a page (done), the form again or a refusal on purpose (refused), or an
        error."""
        if LOGIN_PATH in response.url:
            response.failure("sent to the login page")
        elif response.history and response.status_code == 200:
            OUTCOMES[f"{outcome}: done"] += 1
            response.success()
        elif response.status_code == 200 or response.status_code in refusals:
            reason = REFUSAL.search(response.text)
            OUTCOMES[f"{outcome}: refused ({reason.group(1).strip() if reason else response.status_code})"] += 1
            response.success()

    # ------------------------------------------------------------------------------------------ the organisation's

    @task(5)
    def browse(self):
        page = self._get("/", "browse /")
        self.listings = LISTING.findall(page.text) or self.listings

    @task(4)
    def search(self):
        page = self._get("/", "search /?q=", params={"q": random.choice(WORDS)})
        self.listings = LISTING.findall(page.text) or self.listings

    @task(4)
    def listing(self):
        if self.listings:
            self._get(f"/annonser/{random.choice(self.listings)}/", "listing /annonser/<uuid>/")

    @task(1)
    def reserve(self):
        if not self.listings:
            return
        uuid = random.choice(self.listings)
        page = self._get(f"/annonser/{uuid}/", "listing /annonser/<uuid>/")
        form = Forms(page.text).having("quantity")
        if form is None or "reservera" not in page.text:
            return  # not reservable (reserved whole, lent out, or the person's own)
        with self.client.post(f"/annonser/{uuid}/reservera/", name="reserve /annonser/<uuid>/reservera/",
                              data={**form["fields"], "quantity": 1, "message": ""},
                              headers=self._referer(f"/annonser/{uuid}/"), catch_response=True) as response:
            self._answered(response, "reserve")

    @task(1)
    def post(self):
        page = self._get("/annonser/ny/", "post form /annonser/ny/")
        form = Forms(page.text).having("title")
        if form is None:
            return
        fields = dict(form["fields"])
        fields.update({
            "title": random.choice(TITLES), "description": "Lämnas på grund av flytt. Fint skick.",
            "category": random.choice([value for value in form["choices"]["category"] if value]),
            "quantity": str(random.randint(1, 3)), "offer_type": "give_away",
            "reach": random.choice(["networks", "everyone", "organisation"]), "publish": "1",
        })
        if not fields.get("address") and not fields.get("place"):
            fields["address"] = "Stortorget 1"
        with open(PHOTO, "rb") as photo, self.client.post(
            "/annonser/ny/", name="post /annonser/ny/ (POST, photo)", data=fields,
            files={"photos": ("stol.jpg", photo, "image/jpeg")}, headers=self._referer("/annonser/ny/"),
            catch_response=True,
        ) as response:
            self._answered(response, "post", refusals=())

    # ------------------------------------------------------------------------------------------ the exchange

    @task(2)
    def exchange(self):
        page = self._get("/natverk/sok/", "exchange search /natverk/sok/?q=", params={"q": random.choice(WORDS)})
        self.offers = OFFER.findall(page.text) or self.offers

    @task(1)
    def exchange_browse(self):
        page = self._get("/natverk/sok/", "exchange browse /natverk/sok/")
        self.offers = OFFER.findall(page.text) or self.offers

    def _offer_page(self, pk: str):
        """Another organisation's offer, found in an earlier search. Gone since (withdrawn, or reserved whole at
        its owner's) it is 404, as the product answers on purpose: tallied as gone and forgotten, not an error."""
        with self.client.get(f"/natverk/erbjudanden/{pk}/", name="offer /natverk/erbjudanden/<id>/",
                             catch_response=True) as response:
            if response.status_code == 404:
                OUTCOMES["offer: gone since found (404)"] += 1
                self.offers = [offer for offer in self.offers if offer != pk]
                response.success()
            elif LOGIN_PATH in response.url:
                response.failure("sent to the login page")
            return response

    @task(2)
    def offer(self):
        if self.offers:
            self._offer_page(random.choice(self.offers))

    @task(1)
    def ask(self):
        if not self.offers:
            return
        pk = random.choice(self.offers)
        path = f"/natverk/erbjudanden/{pk}/"
        page = self._offer_page(pk)
        form = Forms(page.text).having("transport") if page.status_code == 200 else None
        if form is None:
            return
        fields = {**form["fields"], "quantity": "1", "transport": random.choice(form["choices"]["transport"]),
                  "message": "Hej! Vi tar gärna emot den."}
        if "starts_on" in fields:
            start = datetime.date.today() + datetime.timedelta(days=random.randint(2, 60))
            fields["starts_on"] = start.isoformat()
            fields["ends_on"] = (start + datetime.timedelta(days=random.randint(1, 7))).isoformat()
        with self.client.post(path, name="ask /natverk/erbjudanden/<id>/ (POST)", data=fields,
                              headers=self._referer(path), catch_response=True) as response:
            self._answered(response, "ask for an offer")

    @task(1)
    def deals(self):
        self._get("/natverk/affarer/", "deals /natverk/affarer/")


@events.test_stop.add_listener
def _write_outcomes(**_kwargs):
    path = os.environ.get("LOAD_OUTCOMES")
    if path:
        with open(path, "w") as handle:
            json.dump(dict(OUTCOMES), handle)
