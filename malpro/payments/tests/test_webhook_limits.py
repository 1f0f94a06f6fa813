"""Issue 14, item 6: webhook bodies from unknown senders are counted, not stored, and a sender
that keeps posting them is turned away."""

import pytest
from django.test import Client

from malpro.payments import services
from malpro.payments.models import Notification
from malpro.payments.tests.helpers import cashless_checkout, notify


@pytest.mark.django_db
def test_unsigned_posts_are_counted_not_stored(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    client = Client()
    for n in range(3):
        body = '{"junk": "' + "x" * 5000 + str(n) + '"}'
        response = client.post(
            "/api/v1/payments/webhooks/simulator", body, content_type="application/json"
        )
        assert response.status_code == 401
    client.post("/api/v1/payments/webhooks/nobody", "{}", content_type="application/json")
    assert not Notification.objects.exists()
    assert services.rejected_notifications("simulator") == 3
    assert services.rejected_notifications("unknown") == 1
    assert notify(payment).status_code == 200  # the real provider still gets through


@pytest.mark.django_db
def test_a_sender_of_many_forged_posts_is_rate_limited(buyer, seller, monkeypatch):
    monkeypatch.setattr(services, "REJECTED_NOTIFICATIONS_PER_IP", 5)
    _, payment, _ = cashless_checkout(buyer, seller)
    statuses = [notify(payment, signature="0" * 64).status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    assert not Notification.objects.exists()
