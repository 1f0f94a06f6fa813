"""Demo books: the demo seller's shop keeps two months of its cash book, stock (one item
linked to its marketplace product), kasbon of two customers and a supplier's debt, and shares
its summaries with Diskopindag; the Klojen operator keeps the book of "Tahu Walik Pak Dul",
whose owner has no smartphone. Everything goes through the services; seeding twice changes
nothing (a book with manual entries is left alone)."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from malpro.books import services
from malpro.books.models import Entry, Source
from malpro.books.services import EntryInput, Line
from malpro.umkm.models import Business

# Fixed ids, so a second run recognises what the first one made.
NAMESPACE = uuid.UUID("5b0c7c1e-2f1e-4c4a-9d7e-6d0d0b5a1a17")


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def seed(ctx) -> None:
    seller = ctx.users.get("seller")
    business = (
        Business.objects.filter(owner=seller, status="active").order_by("pk").first()
        if seller
        else None
    )
    if business is not None:
        _shop_book(seller, business)
    operator = ctx.users.get("operator_klojen")
    assisted = Business.objects.filter(name="Tahu Walik Pak Dul").first()
    if operator is not None and assisted is not None:
        _assisted_book(operator, assisted)
    ctx.counts["book_entries"] = Entry.objects.filter(deleted_at__isnull=True).count()


def _entry(actor, business, key, direction, category, amount, on, method="cash", note="", items=()):
    services.entry_create(
        actor=actor,
        business_id=business.pk,
        data=EntryInput(
            direction=direction,
            category=category,
            amount=amount,
            occurred_on=on,
            method=method,
            note=note,
            items=list(items),
            client_id=_key(business.pk, key),
        ),
    )


def _shop_book(seller, business) -> None:
    book = services.book_for_keeper(actor=seller, business_id=business.pk)
    if book.entries.filter(source=Source.MANUAL).exists():
        return
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month's 1st
    product = business.products.filter(has_variants=False).order_by("pk").first()
    linked = None
    if product is not None:
        linked = services.item_create(
            actor=seller,
            business_id=business.pk,
            name=product.name,
            buy_price=max(product.price * 6 // 10, 0),
            sell_price=product.price,
            product_id=product.pk,
        )
    flour = services.item_create(
        actor=seller,
        business_id=business.pk,
        name="Tepung tapioka 1 kg",
        unit="kg",
        quantity=25,
        buy_price=12_000,
        sell_price=0,
    )
    oil = services.item_create(
        actor=seller,
        business_id=business.pk,
        name="Minyak goreng 2 L",
        unit="botol",
        quantity=8,
        buy_price=34_000,
        sell_price=0,
    )
    rng = random.Random(17)  # noqa: S311 (demo data, not security)
    day = start
    while day <= today:
        if day.weekday() != 6:  # closed on Sundays
            for n in range(rng.randint(1, 3)):
                amount = rng.randrange(40_000, 260_000, 500)
                method = rng.choice(["cash", "cash", "cash", "qris"])
                items = []
                if linked is not None and n == 0 and services.stock_of(linked) > 2:
                    items = [Line(item_id=linked.pk, quantity=1, total=linked.sell_price)]
                _entry(
                    seller, business, f"sale-{day}-{n}", "in", "sales",
                    max(amount, linked.sell_price if items else 0), day, method,
                    "Penjualan di toko", items,
                )  # fmt: skip
        if day.weekday() == 0:
            _entry(
                seller, business, f"flour-{day}", "out", "stock", 120_000, day, "cash",
                "Belanja tepung", [Line(item_id=flour.pk, quantity=10, total=120_000)],
            )  # fmt: skip
            _entry(
                seller, business, f"oil-{day}", "out", "stock", 68_000, day, "cash",
                "Minyak goreng", [Line(item_id=oil.pk, quantity=2, total=68_000)],
            )  # fmt: skip
        if day.day == 1:
            _entry(seller, business, f"rent-{day}", "out", "operating", 500_000, day,
                   "transfer", "Sewa kios")  # fmt: skip
            _entry(seller, business, f"power-{day}", "out", "operating", 185_000, day,
                   "qris", "Token listrik")  # fmt: skip
        if day.day == 25:
            _entry(seller, business, f"prive-{day}", "out", "withdrawal", 750_000, day,
                   "cash", "Kebutuhan rumah")  # fmt: skip
        day += dt.timedelta(days=1)
    sri = services.contact_create(
        actor=seller, business_id=business.pk, kind="customer", name="Bu Sri (tetangga)",
        phone="081299990021",
    )  # fmt: skip
    darto = services.contact_create(
        actor=seller, business_id=business.pk, kind="customer", name="Pak Darto",
    )  # fmt: skip
    grosir = services.contact_create(
        actor=seller, business_id=business.pk, kind="supplier", name="Grosir Makmur Jaya",
        phone="081299990022",
    )  # fmt: skip
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=sri.pk, amount=85_000,
        occurred_on=today - dt.timedelta(days=20), due_on=today - dt.timedelta(days=5),
        note="Keripik 5 bungkus", client_id=_key(business.pk, "debt-sri"),
    )  # fmt: skip
    services.contact_pay(
        actor=seller, business_id=business.pk, contact_id=sri.pk, amount=35_000,
        paid_on=today - dt.timedelta(days=10), client_id=_key(business.pk, "pay-sri"),
    )  # fmt: skip
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=darto.pk, amount=42_000,
        occurred_on=today - dt.timedelta(days=3), due_on=today + dt.timedelta(days=11),
        client_id=_key(business.pk, "debt-darto"),
    )  # fmt: skip
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=grosir.pk, amount=600_000,
        occurred_on=today - dt.timedelta(days=12), due_on=today + dt.timedelta(days=18),
        note="Tepung dan gula, bayar akhir bulan", client_id=_key(business.pk, "debt-grosir"),
    )  # fmt: skip
    agency = business.agencies.filter(code="DISKOPINDAG").first()
    if agency is not None:
        services.share_grant(
            actor=seller, business_id=business.pk, agency_id=agency.pk, agreed=True
        )


def _assisted_book(operator, business) -> None:
    services.assistance_start(
        actor=operator,
        business_id=business.pk,
        consent=True,
        consent_note="Lisan di Kantor Kelurahan, disaksikan Pak Lurah; pemilik tidak punya HP",
    )
    today = timezone.localdate()
    for n, (amount, days_ago) in enumerate(((320_000, 6), (280_000, 4), (410_000, 1))):
        _entry(
            operator, business, f"assisted-{n}", "in", "sales", amount,
            today - dt.timedelta(days=days_ago), "cash", "Rekap penjualan dari buku tulis",
        )  # fmt: skip
    _entry(
        operator, business, "assisted-soy", "out", "stock", 450_000,
        today - dt.timedelta(days=5), "cash", "Kedelai 30 kg",
    )  # fmt: skip
