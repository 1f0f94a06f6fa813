"""Background work: Celery tasks run eagerly in the embedded default, and in a real worker
against Redis when REDIS_URL is set (the PostgreSQL + Redis leg of CI)."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from malpro.accounts import services
from malpro.accounts.models import ApiToken
from malpro.accounts.tasks import api_tokens_purge
from malpro.celery import app

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")


def _old_and_fresh_tokens(user):
    _, old = services.api_token_issue(user=user)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=31))
    _, fresh = services.api_token_issue(user=user)
    return old, fresh


@pytest.mark.django_db
def test_token_purge_deletes_only_long_expired_tokens(buyer):
    _old, fresh = _old_and_fresh_tokens(buyer)
    assert api_tokens_purge.apply().get() == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_daily_jobs_run_once_a_day_at_a_fixed_hour():
    from malpro.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["purge-api-tokens"]["task"] == api_tokens_purge.name
    app.loader.import_default_modules()
    for name in (
        "purge-api-tokens",
        "daily-payout-batch",
        "asn-nightly-flags",
        "asn-daily-reminders",
    ):
        entry = schedule[name]
        assert entry["task"] in app.tasks, name
        cron = entry["schedule"]
        assert len(cron.hour) == 1 and cron.minute == {0}, name
    assert schedule["daily-payout-batch"]["schedule"].hour == {5}


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="eager only without Redis")
@pytest.mark.django_db
def test_without_redis_tasks_run_in_the_caller(buyer):
    _old_and_fresh_tokens(buyer)
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert api_tokens_purge.delay().get(timeout=5) == 1


@pytest.mark.redis
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_task_through_redis(buyer):
    from celery.contrib.testing.worker import start_worker

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.task_always_eager = False  # this test is about the real worker
    old, fresh = _old_and_fresh_tokens(buyer)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = api_tokens_purge.delay()
        assert result.get(timeout=20) == 1
    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.filter(pk=fresh.pk).exists()


@pytest.mark.redis
@needs_redis
def test_the_cache_is_the_redis_server():
    import redis

    cache.set("malpro-probe", "ada", 30)
    raw = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(b"malpro-probe" in key for key in raw.keys("*malpro-probe*"))
    assert cache.get("malpro-probe") == "ada"


@pytest.mark.redis
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_events_after_the_commit(buyer, seller):
    """Production's path: the commit hands the event to Redis, a worker delivers it."""
    from celery.contrib.testing.worker import start_worker

    from malpro.catalog.models import Product
    from malpro.core.models import EventDelivery
    from malpro.orders import services as orders
    from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=5)
    fill_cart(buyer, (item, 2))
    order = place(buyer, {item.business_id: "pickup"})[0].orders.get()
    for step in ("accepted", "ready"):
        orders.order_transition(actor=seller, order_id=order.pk, to=step)
    orders.order_transition(
        actor=seller, order_id=order.pk, to="delivered", cash_amount=order.total
    )
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        orders.order_transition(actor=buyer, order_id=order.pk, to="completed")
        delivery = EventDelivery.objects.get(
            consumer="catalog.sales", event__kind="order.completed"
        )
        for _ in range(200):  # the worker takes it from Redis after the commit
            delivery.refresh_from_db()
            if delivery.state == EventDelivery.State.DONE:
                break
            time.sleep(0.05)
    assert delivery.state == EventDelivery.State.DONE
    assert Product.objects.get(pk=item.pk).sold_count == 2
