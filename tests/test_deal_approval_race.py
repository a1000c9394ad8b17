"""A race of two answers to one deal awaiting a department manager's approval (decision 0048), against real PostgreSQL
with committed data, as tests/test_approval_race.py does for bookings: the deal's row lock decides them one after the
other. Committed rows are removed afterwards (tests/test_deal_race.py's cleanup)."""

from __future__ import annotations

import threading
import time

from django.db import connection, connections
from django_tenants.utils import schema_context

from accounts.models import Department, Role, User
from accounts.selectors import party_of
from catalog.models import Reach
from exchange import deal_services, services
from exchange.models import Deal, DealStatus, Offer
from platform_.errors import DomainError
from tenants.models import Organisation
from tenants.services import update_settings

from .deal_support import relay
from .test_deal_race import _deals_removed_afterwards
from .test_reservation_race import committed_listing, committed_world

WAIT_SECONDS = 15


def test_an_approval_and_a_refusal_at_once_are_decided_one_after_the_other(settings, tmp_path, django_db_blocker,
                                                                           monkeypatch):
    with committed_world(settings, tmp_path, django_db_blocker) as (ystad, people):
        skurup = Organisation.objects.get(slug="skurup")
        with schema_context(skurup.schema_name):
            department = Department.objects.create(name="Samtidiga enheten")
            requester = User.objects.create_user("samtidig-person@skurup.example", department=department,
                                                 full_name="Samtidig Person")
            manager = User.objects.create_user("samtidig-chef@skurup.example", role=Role.DEPARTMENT_MANAGER,
                                               department=department, full_name="Samtidig Chef")
            before = (skurup.approval_rule, skurup.approval_threshold)
            update_settings(organisation=skurup, approval_rule="all")
        try:
            with committed_listing(ystad, author=people["personal"], quantity=1, reach=Reach.NETWORKS) as chair:
                with _deals_removed_afterwards(chair.uuid):
                    # given a Skurup request for Ystad's chair, awaiting approval
                    relay(ystad)
                    offer = Offer.objects.get(organisation=ystad, listing=chair.uuid)
                    with schema_context(skurup.schema_name):
                        deal = services.request_deal(
                            request=services.DealRequest(offer=offer.pk, quantity=1, transport="operator"),
                            by=services.Asker(party=party_of(user=requester), department_id=department.pk),
                            notify=False,
                        )
                    assert deal.status == DealStatus.AWAITING_APPROVAL
                    # when the manager approves and refuses at the same moment (the refusal starts once the approval
                    # holds the deal's lock, and is seen waiting for it before the approval commits)
                    outcomes, pids, locked, seen_waiting = {}, {}, threading.Event(), []
                    barrier = threading.Barrier(2)
                    real = deal_services._approving

                    def approving_and_held(deal_uuid, by):
                        row = real(deal_uuid, by)
                        if threading.current_thread().name == "approve":
                            locked.set()
                            deadline = time.monotonic() + WAIT_SECONDS
                            while time.monotonic() < deadline and not seen_waiting:
                                with connection.cursor() as cursor:
                                    cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND pid = %s",
                                                   [pids.get("refuse")])
                                    seen_waiting.extend(row[0] for row in cursor.fetchall())
                                time.sleep(0.005)
                        return row

                    monkeypatch.setattr(deal_services, "_approving", approving_and_held)

                    def answer(name, action):
                        try:
                            with schema_context(skurup.schema_name):
                                with connection.cursor() as cursor:
                                    cursor.execute("SELECT pg_backend_pid()")
                                    pids[name] = cursor.fetchone()[0]
                                barrier.wait(WAIT_SECONDS)
                                if name == "refuse":
                                    assert locked.wait(WAIT_SECONDS)
                                action()
                            outcomes[name] = "done"
                        except DomainError as refused:
                            outcomes[name] = refused.code
                        finally:
                            connections.close_all()

                    threads = [
                        threading.Thread(name="approve", target=answer, args=("approve", lambda: services.approve_deal(
                            deal_uuid=deal.uuid, by=manager, notify=False))),
                        threading.Thread(name="refuse", target=answer, args=("refuse", lambda: services.refuse_deal(
                            deal_uuid=deal.uuid, by=manager, reason="Nej", notify=False))),
                    ]
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join(WAIT_SECONDS * 2)
                    # then the refusal truly waited, and was told the request had been answered
                    assert seen_waiting == [pids["refuse"]]
                    assert outcomes == {"approve": "done", "refuse": "already_answered"}
                    assert Deal.objects.get(pk=deal.pk).status == DealStatus.REQUESTED
        finally:
            with schema_context(skurup.schema_name):
                update_settings(organisation=skurup, approval_rule=before[0], approval_threshold=before[1])
                manager.delete()
                requester.delete()
                department.delete()
