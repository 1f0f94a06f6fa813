"""Payout batches made at the same moment on PostgreSQL, with real parallel connections (the
daily job and admins clicking): the money owed goes into exactly one batch. Locking only the
provider's open batches would lock nothing when none is open, and each would take it all."""

import threading

import pytest
from django.db import connection, connections

from malpro.payments import settlements
from malpro.payments.models import PayoutBatch, PayoutLine
from malpro.payments.tests.helpers import completed_payable_order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's parallel writers"
)


@pytest.mark.django_db(transaction=True)
def test_parallel_batch_creation_puts_each_rupiah_in_one_batch(buyer, seller):
    order = completed_payable_order(buyer, seller)
    starters = 6
    barrier = threading.Barrier(starters)
    made: list[int | None] = []

    def create():
        try:
            barrier.wait()
            batch = settlements.batch_create(actor=None, provider="simulator")
            made.append(batch.pk if batch else None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == starters
    assert len([pk for pk in made if pk]) == 1
    assert PayoutBatch.objects.count() == 1
    owed = settlements.seller_balance(business=order.business)["payable"]
    assert owed > 0
    assert list(PayoutLine.objects.values_list("business_id", "amount")) == [
        (order.business_id, owed)
    ]
