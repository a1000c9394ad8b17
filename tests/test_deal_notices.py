"""The e-mails of a deal between organisations go through the public outbox, each once, to the side that should act
or know (decision 0030). Mail delivery itself is Django's test backend: the only thing faked."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from exchange import services
from outbox.models import OutboxMessage

from .conftest import user_in
from .deal_support import ask, relay, shared_listing

pytestmark = pytest.mark.django_db


def _sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_each_step_e_mails_the_other_side_once_in_swedish(ystad, skurup):
    # given Ystad's chairs, and Skurup's person asking for two
    contact, asker = user_in(ystad, "personal"), user_in(skurup, "personal")
    _, offer = shared_listing(ystad, quantity=3)
    mail.outbox.clear()
    deal = ask(skurup, offer, quantity=2)
    relay(ystad, skurup)
    # then the contact person is told, in Swedish, with a link to the request on Ystad's host
    [asked] = _sent_to(contact.email)
    assert "frågar efter" in asked.subject and "ystad.localhost" in asked.body and str(deal.uuid) in asked.body
    # when Ystad writes a message and accepts
    with schema_context(ystad.schema_name):
        services.post_message(deal_uuid=deal.uuid, by=contact, body="Passar tisdag?")
        services.accept_deal(deal_uuid=deal.uuid, by=contact)
    relay(ystad, skurup)
    relay(ystad, skurup)
    # then the person who asked gets the message and the acceptance, once each, with a link on Skurup's host
    to_asker = _sent_to(asker.email)
    assert len(to_asker) == 2
    assert any("Passar tisdag?" in message.body for message in to_asker)
    assert any("godkände" in message.body and "skurup.localhost" in message.body for message in to_asker)
    # and every message was written in the public outbox, none of them twice
    keys = list(OutboxMessage.objects.filter(key__startswith=f"exchange.deal:{deal.uuid}").values_list("key",
                                                                                                       flat=True))
    assert len(keys) == len(set(keys)) == 3
