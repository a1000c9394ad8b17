"""Two organisations accepted for the last chair at the same moment, against real PostgreSQL: exactly one is booked
(by the listing's row lock in the owner's schema), the other is open again with the reason (decision 0030).

Committed data (each acceptance runs on a connection of its own), removed afterwards: the world other tests share
must stay as it was. The agreement written for the winner is immutable by a trigger; the cleanup alone lifts that,
for its own rows, with ``session_replication_role = replica`` (which skips triggers; the test database's user is a
superuser).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django_tenants.utils import schema_context

from bookings.models import Booking
from catalog.models import Reach
from exchange import services
from exchange.models import Agreement, Deal, DealEvent, DealMessage, DealStatus, Offer
from outbox.models import OutboxMessage
from platform_.errors import DomainError
from tenants.models import Organisation

from .conftest import user_in
from .deal_support import ask, relay
from .test_reservation_race import committed_listing, committed_world


@contextmanager
def _deals_removed_afterwards(listing_uuid):
    try:
        yield
    finally:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            deals = Deal.objects.filter(listing=listing_uuid)
            keys = [f"exchange.deal:{uuid}" for uuid in deals.values_list("uuid", flat=True)]
            Agreement.objects.filter(deal__in=deals).delete()
            DealEvent.objects.filter(deal__in=deals).delete()
            DealMessage.objects.filter(deal__in=deals).delete()
            for key in keys:
                OutboxMessage.objects.filter(key__startswith=key).delete()
            deals.delete()
            Offer.objects.filter(listing=listing_uuid).delete()


def test_two_organisations_accepted_for_the_last_chair_at_once_exactly_one_wins(settings, tmp_path,
                                                                               django_db_blocker):
    with committed_world(settings, tmp_path, django_db_blocker) as (ystad, people):
        skurup, trelleborg = Organisation.objects.get(slug="skurup"), Organisation.objects.get(slug="trelleborg")
        with committed_listing(ystad, author=people["personal"], quantity=1, reach=Reach.NETWORKS) as chair:
            with _deals_removed_afterwards(chair.uuid):
                # given Ystad's last chair in the exchange, and a request for it from Skurup and from Trelleborg
                relay(ystad)
                offer = Offer.objects.get(organisation=ystad, listing=chair.uuid)
                deals = [ask(skurup, offer, quantity=1), ask(trelleborg, offer, quantity=1)]
                barrier, outcomes = threading.Barrier(2), []
                acting = {deals[0].pk: user_in(ystad, "operator"), deals[1].pk: user_in(ystad, "admin")}

                def accept(deal):
                    try:
                        barrier.wait()
                        with schema_context(ystad.schema_name):
                            services.accept_deal(deal_uuid=deal.uuid, by=acting[deal.pk], notify=False)
                        outcomes.append("accepted")
                    except DomainError as error:
                        outcomes.append(error.code)
                    finally:
                        connections.close_all()

                # when both are accepted at the same moment
                threads = [threading.Thread(target=accept, args=(deal,)) for deal in deals]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                # then exactly one is accepted and booked; the other is open again with its reason
                assert outcomes.count("accepted") == 1 and len(outcomes) == 2
                statuses = sorted(Deal.objects.filter(listing=chair.uuid).values_list("status", flat=True))
                assert statuses == [DealStatus.ACCEPTED, DealStatus.REQUESTED]
                with schema_context(ystad.schema_name):
                    assert Booking.objects.filter(listing_id=chair.pk, deal__isnull=False).count() == 1
