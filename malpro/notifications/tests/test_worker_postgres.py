"""The outbox with a REAL Celery worker (a subprocess, `celery -A malpro worker`) on PostgreSQL
and Redis, sending to a local fake of the WhatsApp Cloud API: production's path from an event
to a message on a phone, and a worker killed mid-batch that still sends every message once.

The worker tests run in CI's PostgreSQL + Redis leg and are skipped on SQLite or without
REDIS_URL; serially only (the worker takes tasks from the Redis queues every test process on
that Redis shares). The check of Celery's production settings runs everywhere.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from malpro.catalog.tests.factories import shop
from malpro.celery import app
from malpro.conftest import make_user
from malpro.notifications import quiet, services, tasks
from malpro.notifications.models import Message
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp
from malpro.payments import services as payments


def real_worker(test):
    """PostgreSQL and Redis: the leg of CI that has both."""
    for mark in (
        pytest.mark.postgres,
        pytest.mark.redis,
        pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
        pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set"),
        pytest.mark.django_db(transaction=True),
    ):
        test = mark(test)
    return test


REPO = Path(__file__).resolve().parents[3]
CELERY = Path(sys.executable).with_name("celery")
LEASE_SECONDS = 3
WEBHOOK = "/api/v1/notifications/webhooks/whatsapp"


def test_celery_is_set_up_for_redis_workers_and_one_beat(settings):
    """Production's settings (docs/deployment.md): tasks acknowledged after they ran, one
    prefetched, Redis's visibility timeout above the longest a task may run, the outbox on a
    queue of its own that a plain worker consumes too, and the outbox's periodic jobs."""
    from celery.schedules import crontab

    conf = app.conf
    assert conf.task_acks_late and conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    queues = {q.name: q.routing_key for q in conf.task_queues}
    assert queues == {"celery": "celery", "messages": "messages"}  # one key each
    route = app.amqp.router.route
    assert route({}, "notifications.send")["queue"].name == "messages"
    assert route({}, "notifications.send_due")["queue"].name == "messages"
    assert route({}, "events.deliver")["queue"].name == "celery"
    schedule = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["notifications.send_due"] == 30
    assert schedule["notifications.daily_digest"] == crontab(hour=7, minute=0)
    app.loader.import_default_modules()
    assert {"notifications.send", "notifications.send_due", "notifications.daily_digest"} <= set(
        app.tasks
    )


def _database_url() -> str:
    """The TEST database (pytest-django's), so the worker sees this test's rows."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


class Worker:
    """`celery -A malpro worker --pool=solo` in a process group of its own, so that a kill
    takes the whole worker down at once, as a host losing the process would."""

    def __init__(self, fake: FakeWhatsApp):
        self.env = {
            **os.environ,
            **fake.settings(),
            "DJANGO_SETTINGS_MODULE": "malpro.settings",
            "DATABASE_URL": _database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MALPRO_QUIET_HOURS": "",
            "MALPRO_MESSAGE_LEASE_SECONDS": str(LEASE_SECONDS),
            "MALPRO_SMS_BACKEND": "memory",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = tempfile.NamedTemporaryFile(prefix="malpro-worker-", suffix=".log")  # noqa: SIM115
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "malpro",
                "worker",
                "--pool=solo",
                "-c",
                "1",
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"malpro-test-{os.getpid()}-{self.starts}@%h",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
        self.log.close()


@pytest.fixture
def through_redis():
    """Hand-overs of this test go through Redis to the worker (the suite runs tasks eagerly)."""
    app.conf.task_always_eager = False
    app.control.purge()  # tasks left in the queue by an earlier, interrupted run
    try:
        yield
    finally:
        app.control.purge()
        app.conf.task_always_eager = True


def _wait(condition, seconds: float, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.proc is not None and worker.proc.poll() is not None:
            pytest.fail(f"the worker exited ({worker.proc.returncode}):\n{worker.output()}")
        time.sleep(0.05)
    pytest.fail(f"waited {seconds} s for {what}; worker log:\n{worker.output()}")


def _whatsapp_only(user) -> None:
    """Security warnings always go by WhatsApp and SMS (the person cannot turn them off); the
    tests follow the WhatsApp message, the SMS goes to the worker's console backend."""


@real_worker
def test_a_real_worker_sends_a_sellers_whatsapp_message_once(seller, through_redis, settings):
    business = shop(seller)
    _whatsapp_only(seller)
    with FakeWhatsApp() as fake, Worker(fake) as worker:
        fake.use(settings)
        worker.start()
        # The seller's service commits; the event goes to Redis, the worker delivers it (the
        # payments consumer queues the message) and sends the message it handed over itself.
        payments.payout_account_set(
            actor=seller,
            business=business,
            bank_code="bjtm",
            account_number="0011223344",
            account_name="Bu Sari",
        )
        sent = Message.objects.filter(
            user=seller, channel="whatsapp", template="payout_account.changed"
        )
        _wait(
            lambda: sent.filter(state=Message.State.SENT).exists(),
            60,
            worker,
            "the message to be sent",
        )
        message = sent.get()
        assert fake.uids() == [message.uid]
        payload = fake.received[0]
        assert payload["to"].isdigit() and payload["to"].endswith("81234500003")
        assert payload["template"]["name"] == "malpro_payout_account_changed"
        values = [p["text"] for p in payload["template"]["components"][0]["parameters"]]
        assert business.name in values and "BJTM" in values
        assert message.provider_id == payload["_wamid"]
        assert message.attempts == 1 and message.tries.get().ok
        # The same warning by SMS too (security warnings go by both, whatever was chosen).
        assert Message.objects.exclude(pk=message.pk).get().channel == "sms"


def _report_statuses(fake: FakeWhatsApp, status: str) -> None:
    """The provider's status callbacks, as Meta posts them: through the webhook endpoint when
    it is there, else straight to the service the endpoint calls."""
    from malpro.notifications import webhooks

    statuses = fake.statuses_for(status)
    if webhooks.router.path_operations:
        body, signature = fake.callback(statuses)
        response = Client().post(
            WEBHOOK,
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )
        assert response.status_code == 200, response.content
        return
    for entry in statuses:
        services.status_update(
            channel="whatsapp",
            status=entry["status"],
            provider_id=entry["id"],
            uid=entry.get("biz_opaque_callback_data", ""),
        )


@real_worker
def test_a_worker_killed_mid_batch_still_sends_every_message_exactly_once(through_redis, settings):
    """Messages held over quiet hours fall due together; the sweep's worker takes a batch of
    200 and is killed (SIGKILL, the whole process) after about 100 are out. The provider's
    status callbacks mark those it has; a new worker's sweep, after the lease, takes back the
    rest of the batch and sends it with the others: each message reaches the provider once."""
    people = [make_user(f"08129990{i:04d}", f"Penjual {i}") for i in range(20)]
    for person in people:
        _whatsapp_only(person)
    # Queued at night: nothing is handed over, everything waits for the morning sweep.
    hour = timezone.localtime(timezone.now(), timezone=quiet.JAKARTA).hour
    settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 1) % 24}"
    for n in range(15):
        for person in people:
            services.send(
                user=person,
                kind="payout_account.changed",
                context={"shop": f"Toko {n}", "when": "01/12/2026 05:30", "bank": "BJTM"},
                key=f"test-worker-kill-{n}",
            )
    queued = Message.objects.filter(channel="whatsapp")
    assert queued.count() == 300
    assert queued.filter(state=Message.State.PENDING, next_attempt_at__gt=timezone.now()).count()
    queued.update(next_attempt_at=timezone.now())  # the morning
    settings.MALPRO_QUIET_HOURS = ""

    with FakeWhatsApp(delay=0.01) as fake, Worker(fake) as worker:
        fake.use(settings)
        worker.start()
        tasks.send_due.delay()
        _wait(lambda: len(fake.received) >= 100, 45, worker, "100 messages at the provider")
        worker.kill()
        claimed = set(queued.filter(state=Message.State.SENDING).values_list("uid", flat=True))
        assert claimed, "the worker held part of its batch when it died"
        # Held but never received by the provider: these are the ones sent again.
        lost = claimed - set(fake.uids())
        assert len(fake.received) < 300

        worker.start()  # a new worker comes up while the dead one's lease runs out

        _report_statuses(fake, "sent")
        assert not queued.filter(state=Message.State.SENDING, uid__in=fake.uids()).exists()

        lease_end = queued.aggregate(end=Max("claimed_until"))["end"]
        time.sleep(max((lease_end - timezone.now()).total_seconds(), 0) + 0.2)
        tasks.send_due.delay()  # what beat does every 30 s
        _wait(
            lambda: not queued.exclude(state=Message.State.SENT).exists(),
            45,
            worker,
            "every message sent",
        )
        _report_statuses(fake, "delivered")

    uids = set(queued.values_list("uid", flat=True))
    counts = Counter(fake.uids())
    assert set(counts) == uids
    assert max(counts.values()) == 1, [u for u, c in counts.items() if c > 1][:5]
    assert not fake.refused
    assert queued.filter(state=Message.State.DELIVERED).count() == 300
    # The taken-back messages were tried twice; the first try of each was lost with the worker.
    # Those the provider had (sent, but their group not yet recorded when the worker died)
    # were marked by the callbacks and never sent again.
    assert set(queued.filter(attempts=2).values_list("uid", flat=True)) == lost
