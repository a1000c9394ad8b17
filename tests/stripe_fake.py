"""An in-process fake of Stripe's HTTP API, for the tests only.

Stripe lives outside the product: Delbar talks to it over HTTPS with the real ``stripe`` Python client. The tests
point that client at this small HTTP server on 127.0.0.1 (``STRIPE_API_BASE``) so that the client's own request
encoding, response parsing and error handling run for real. It answers the few endpoints Delbar calls — prices
(list by lookup key, create), Checkout Sessions (create, retrieve) and subscriptions (retrieve) — from state in
memory, and lets a test play Stripe's part: complete a checkout, change a subscription's status. ``event`` and
``sign`` build webhooks signed the way Stripe signs them: ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<payload>" with the endpoint's secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class FakeStripe:
    def __init__(self) -> None:
        self.prices: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids)}"

    # ------------------------------------------------------------------------------------ playing Stripe's part

    def complete_checkout(self, session_id: str, *, status: str = "active") -> str:
        """The customer paid on Checkout's page: Stripe creates the customer and the subscription."""
        with self._lock:
            session = self.sessions[session_id]
            customer, subscription = self._id("cus"), self._id("sub")
            now = int(time.time())
            self.subscriptions[subscription] = {
                "id": subscription, "object": "subscription", "customer": customer, "status": status,
                "metadata": {"organisation_id": session["params"].get("subscription_data[metadata][organisation_id]")},
                "items": {"object": "list", "data": [{
                    "id": self._id("si"), "object": "subscription_item",
                    "current_period_start": now, "current_period_end": now + 365 * 86400,
                    "price": {"id": session["params"].get("line_items[0][price]"), "object": "price"},
                }]},
            }
            session.update(status="complete", customer=customer, subscription=subscription)
        return subscription

    def set_status(self, subscription_id: str, status: str) -> None:
        with self._lock:
            self.subscriptions[subscription_id]["status"] = status

    def calls(self, method: str, path_start: str) -> int:
        return sum(1 for m, path, _ in self.requests if m == method and path.startswith(path_start))

    # ------------------------------------------------------------------------------------------- the HTTP API

    def _handle(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        self.requests.append((method, path, params))
        parts = path.strip("/").split("/")
        with self._lock:
            if parts == ["v1", "prices"] and method == "GET":
                keys = {value for key, value in params.items() if key.startswith("lookup_keys[")}
                found = [price for price in self.prices.values() if price["lookup_key"] in keys]
                return 200, {"object": "list", "data": found, "has_more": False, "url": "/v1/prices"}
            if parts == ["v1", "prices"] and method == "POST":
                price = {"id": self._id("price"), "object": "price", "active": True, "currency": params["currency"],
                         "unit_amount": int(params["unit_amount"]), "lookup_key": params.get("lookup_key"),
                         "recurring": {"interval": params.get("recurring[interval]")},
                         "tax_behavior": params.get("tax_behavior")}
                self.prices[price["id"]] = price
                return 200, price
            if parts == ["v1", "checkout", "sessions"] and method == "POST":
                session_id = self._id("cs")
                session = {"id": session_id, "object": "checkout.session", "mode": params.get("mode"),
                           "url": f"https://checkout.stripe.test/c/pay/{session_id}", "status": "open",
                           "client_reference_id": params.get("client_reference_id"), "customer": None,
                           "subscription": None, "params": params}
                self.sessions[session_id] = session
                return 200, session
            if parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4 and parts[3] in self.sessions:
                return 200, self.sessions[parts[3]]
            if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3 and parts[2] in self.subscriptions:
                return 200, json.loads(json.dumps(self.subscriptions[parts[2]]))
        return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                               "message": f"No such object: {path}"}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = dict(parse_qsl(url.query)) | dict(parse_qsl(body))
                if not (self.headers.get("Authorization") or "").startswith("Bearer sk_test_"):
                    status, answer = 401, {"error": {"type": "invalid_request_error", "message": "No API key"}}
                else:
                    status, answer = fake._handle(method, url.path, params)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._answer("GET")

            def do_POST(self):  # noqa: N802
                self._answer("POST")

            def log_message(self, *args):
                pass

        return Handler


def event(event_type: str, obj: dict, *, event_id: str, created: int | None = None) -> bytes:
    """A webhook's body as Stripe sends it (a snapshot event)."""
    return json.dumps({
        "id": event_id, "object": "event", "type": event_type, "api_version": "2025-03-31.basil",
        "created": created or int(time.time()), "livemode": False, "pending_webhooks": 1,
        "data": {"object": obj}, "request": {"id": None, "idempotency_key": None},
    }).encode()


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload``."""
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"
