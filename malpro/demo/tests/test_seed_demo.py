"""seed_demo: the demo logins of every role, and six months of history made through the real
services, moved into the past and still consistent (aggregates equal a recount, the ledger's
invariants hold), idempotent, rich enough for the dashboard to show something, and with no
personal number in clear anywhere (issue 14's "done when").

Seeding the full demo (the default size `make run` loads) is the slow part, so this module
seeds it once: `demo` runs seed_demo inside a transaction that spans the module and is rolled
back after its last test; each test runs in a savepoint inside it, as every other test does
inside its own transaction, so a test cannot change what the next one sees."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from malpro.accounts.models import User
from malpro.asn.models import OfflinePurchase, Standing
from malpro.celery import app as celery_app
from malpro.conftest import _CommitPoints
from malpro.core.logging import RedactPersonalNumbers
from malpro.core.models import Event
from malpro.dashboard import access, metrics, periods
from malpro.dashboard.models import SellerDay
from malpro.demo.seeds import DEMO_PASSWORD
from malpro.ledger.checks import problems
from malpro.ledger.models import JournalEntry
from malpro.notifications import sms
from malpro.notifications.channels.base import memory_outbox
from malpro.orders.models import Order, OrderStatus
from malpro.umkm.models import Business, StatusChange

LOGGERS = ("", "django", "django.request", "malpro")
# Under pytest-xdist with --dist loadgroup (CI) the module's tests stay on one worker, which
# seeds the demo once for them.
pytestmark = pytest.mark.xdist_group("demo-seed")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@dataclass
class Seeded:
    output: str  # what the first seed_demo printed
    handler: logging.Handler  # the log of the seeding and of the test that reads it
    captured: io.StringIO


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as `make run` seeds it, once for the module, under the settings each test gets
    from conftest's _fresh_state (memory SMS/WhatsApp, no quiet hours, live dashboard figures,
    quick password hashing, media in a temporary folder), DEBUG off, with its log captured
    through the production redaction filter."""
    media = tmp_path_factory.mktemp("demo")
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(RedactPersonalNumbers())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    watched = [logging.getLogger(name) for name in LOGGERS]
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media / "media")},
        },
        "private": {
            "BACKEND": "malpro.core.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(media / "private"), "base_url": None},
        },
    }
    overrides = override_settings(
        DEBUG=False,
        MALPRO_SMS_BACKEND="memory",
        MALPRO_WHATSAPP_BACKEND="memory",
        MALPRO_QUIET_HOURS="",
        MALPRO_DASHBOARD_LIVE_SECONDS=0,
        PASSWORD_HASHERS=["malpro.conftest.QuickArgon2"],
        MEDIA_ROOT=media / "media",
        STORAGES=storages,
    )
    eager = celery_app.conf.task_always_eager
    with django_db_blocker.unblock(), overrides:
        celery_app.conf.task_always_eager = True
        cache.clear()
        sms.outbox.clear()
        memory_outbox.clear()
        # The module's transaction: marked as a test's, so that the seeding's durable
        # checkouts may run inside it and on_commit callbacks run where they would commit.
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            with pytest.MonkeyPatch.context() as during_seed:
                _CommitPoints(during_seed)
                for logger in watched:
                    logger.addHandler(handler)
                try:
                    output = run("seed_demo")
                finally:
                    for logger in watched:
                        logger.removeHandler(handler)
            yield Seeded(output=output, handler=handler, captured=captured)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            celery_app.conf.task_always_eager = eager
            cache.clear()
            sms.outbox.clear()
            memory_outbox.clear()


def state() -> dict:
    return {
        "users": User.objects.count(),
        "businesses": Business.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "orders": Order.objects.count(),
        "orders_by_status": dict(Counter(Order.objects.values_list("status", flat=True))),
        "placed": sorted(Order.objects.values_list("placed_at", flat=True)),
        "events": Event.objects.count(),
        "journal": JournalEntry.objects.count(),
        "seller_days": sorted(SellerDay.objects.values_list("day", "business_id", "gmv")),
    }


@pytest.mark.django_db
def test_the_demo_prints_every_role_and_a_second_run_changes_nothing(demo):
    first = demo.output
    assert "0811-0000-0009" in first and "Pak Wali Kota (pimpinan)" in first
    before = state()
    second = run("seed_demo")
    assert "users_created=0" in second
    assert state() == before  # the second run changed nothing
    admin = User.objects.get(phone="+6281100000001")
    assert admin.is_city_admin
    for phone in ("0811-0000-0001", "0811-0000-0003", "0811-0000-0005", "0811-0000-0008"):
        assert phone in first
    assert "Demo logins (password for all: malpro-demo)" in first


@pytest.mark.django_db
def test_demo_history_is_consistent_and_shows_on_the_dashboard(demo, api):
    # Aggregates equal a recount; the ledger's invariants hold after the move into the past.
    assert run("rebuild_aggregates", "--check").strip().endswith("differences=0")
    assert problems() == []
    assert run("check_ledger").strip() == "ledger ok"

    # Sixty more UMKM over the five kecamatan and 25+ kelurahan, of every source.
    history = Business.objects.filter(phone__startswith="+628130001")
    assert history.count() == 60
    assert history.values("village__district").distinct().count() == 5
    assert history.values("village").distinct().count() >= 25
    assert {"web", "operator", "import"} <= set(history.values_list("source", flat=True))
    assert history.filter(status="active").count() >= 40
    assert history.exclude(status="active").count() >= 10
    assert history.filter(created_at__lt=timezone.now() - dt.timedelta(days=60)).exists()

    # Orders spread over six months, COD and QRIS, citizens and ASN, some closed unsold.
    orders = Order.objects.filter(checkout__idempotency_key__startswith="demo-hist-")
    months = {
        timezone.localtime(o).date().replace(day=1)
        for o in orders.values_list("placed_at", flat=True)
    }
    assert len(months) == 6
    assert {"cod", "qris"} <= set(orders.values_list("payment_method", flat=True))
    assert orders.filter(buyer_asn=True).exists() and orders.filter(buyer_asn=False).exists()
    assert orders.filter(status=OrderStatus.CANCELLED).exists()
    assert orders.filter(status=OrderStatus.REJECTED).exists()
    completed = orders.filter(status=OrderStatus.COMPLETED)
    assert completed.count() >= 50
    assert all(o.completed_at < timezone.now() for o in completed)
    assert all(
        o.placed_at <= o.accepted_at <= o.ready_at <= o.delivered_at <= o.completed_at
        for o in completed
    )
    assert OfflinePurchase.objects.filter(state=OfflinePurchase.State.CONFIRMED).exists()

    # The last complete month, as the mayor sees it: orders in 3+ kecamatan, unequal but not
    # all to one seller; some active sellers sold nothing; ASN standings exist for it.
    leader = User.objects.get(phone="+6281100000009")
    scope = access.scope_for(user=leader)
    period = periods.current(periods.MONTH).previous()
    summary = metrics.summary(scope, period)
    assert summary.orders > 0
    assert 0 < summary.gini < 1
    assert summary.zero_sale_sellers > 0
    areas = metrics.breakdown(scope, period, "kecamatan")
    assert sum(1 for row in areas if row.orders) >= 3
    assert sum(row.gmv for row in areas) == summary.gmv
    assert Standing.objects.filter(
        period__year=period.start.year, period__month=period.start.month
    ).exists()
    response = api(leader, DEMO_PASSWORD).get(f"/api/v1/dashboard/summary?period={period.key}")
    assert response.status_code == 200
    assert response.json()["kpis"]["orders"] == summary.orders


# --- issue 14: no personal number in clear --------------------------------------------------


def _personal_values() -> set[str]:
    """The demo's personal numbers, read (decrypted) through the models."""
    from malpro.accounts.models import User
    from malpro.asn.models import Employee
    from malpro.payments.models import BankAccount
    from malpro.umkm.models import Business

    values: set[str] = set()
    values |= {n for n in User.objects.values_list("nik", flat=True) if n}
    values |= {n for n in Business.objects.values_list("owner_nik", flat=True) if n}
    for nip, born in Employee.objects.values_list("nip", "birth_date"):
        values.add(nip)
        if born:
            values.add(born.isoformat())
    values |= {n for n in BankAccount.objects.values_list("account_number", flat=True) if n}
    return {v for v in values if len(v) >= 8}


def _dump() -> str:
    """Every value of every table, as text (what a database dump holds)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


@pytest.mark.django_db
def test_after_a_demo_run_no_personal_number_is_in_clear(demo, settings):
    """After a full demo run, no NIK, NIP, birth date or bank account number appears in clear
    in a dump of the database, in a log line (of the seeding or of the visits below) or in a
    URL."""
    settings.DEBUG = False
    watched = [logging.getLogger(name) for name in LOGGERS]
    for logger in watched:
        logger.addHandler(demo.handler)
    paths: list[str] = []
    try:
        secrets = _personal_values()
        assert len(secrets) > 20, "the demo holds personal numbers to look for"
        # People at work: an officer and the city admin read the registry and a business,
        # an ASN their page, a seller their balance; a stranger fails to log in.
        pages = {
            "081100000003": ["/umkm/registri/", "/asn/laporan/"],
            "081100000001": ["/umkm/registri/", "/kota/pencairan/", "/asn/klaim/"],
            "081100000008": ["/asn/"],
            "081100000006": ["/jual/saldo/", "/umkm/saya/"],
        }
        for phone, urls in pages.items():
            client = Client()
            client.post("/akun/masuk/", {"username": phone, "password": DEMO_PASSWORD})
            for url in urls:
                response = client.get(url, follow=True)
                paths.extend(path for path, _status in response.redirect_chain)
                paths.append(url)
                html = response.content.decode()
                paths.extend(re.findall(r'(?:href|action|src)="([^"]+)"', html))
        Client().post("/akun/masuk/", {"username": "081100000003", "password": "salah"})
    finally:
        for logger in watched:
            logger.removeHandler(demo.handler)
    dump = _dump()
    log = demo.captured.getvalue()
    urls = "\n".join(paths)
    for value in sorted(secrets):
        assert value not in dump, f"a personal number is stored in clear: {value[:4]}…"
        assert value not in log, f"a personal number reached the log: {value[:4]}…"
        assert value not in urls, f"a personal number is in a URL: {value[:4]}…"
