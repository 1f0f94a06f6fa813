"""The demo data set. Each feature adds a step here (in dependency order), so the demo always
shows everything the app can do. Every step is idempotent."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from malpro.accounts import services as account_services
from malpro.accounts.models import User
from malpro.accounts.roles import Role
from malpro.core.validators import format_phone

DEMO_PASSWORD = "malpro-demo"


@dataclass
class DemoContext:
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (who, phone, what)
    counts: dict[str, int] = field(default_factory=dict)
    history_orders: int | None = None  # None: history.CHECKOUTS

    def summary(self) -> str:
        return "demo: " + " ".join(f"{k}={v}" for k, v in self.counts.items())

    def logins_table(self) -> str:
        width = max(len(who) for who, _, _ in self.logins)
        lines = [
            "",
            f"Demo logins (password for all: {DEMO_PASSWORD})",
            "-" * 72,
        ]
        for who, phone, what in self.logins:
            lines.append(f"{who.ljust(width)}  {format_phone(phone)}  {what}")
        lines.append("-" * 72)
        return "\n".join(lines)


# (key, phone, name, [(role, agency, area)], description)
PEOPLE = [
    (
        "admin",
        "081100000001",
        "Rina Admin Diskominfo",
        [(Role.CITY_ADMIN, None, None)],
        "admin kota (Diskominfo): /admin/",
    ),
    (
        "auditor",
        "081100000002",
        "Bambang Auditor",
        [(Role.AUDITOR, None, None)],
        "auditor Inspektorat (baca saja)",
    ),
    (
        "officer_diskopindag",
        "081100000003",
        "Sri Petugas Diskopindag",
        [(Role.AGENCY_OFFICER, "DISKOPINDAG", None)],
        "petugas OPD Diskopindag",
    ),
    (
        "officer_dispangtan",
        "081100000004",
        "Agus Petugas Dispangtan",
        [(Role.AGENCY_OFFICER, "DISPANGTAN", None)],
        "petugas OPD Dispangtan",
    ),
    (
        "operator_klojen",
        "081100000005",
        "Dewi Operator Klojen",
        [(Role.AREA_OPERATOR, None, "35.73.02")],
        "operator Kecamatan Klojen",
    ),
    ("seller", "081100000006", "Bu Siti Keripik", [(Role.SELLER, None, None)], "penjual (UMKM)"),
    ("buyer", "081100000007", "Andi Pembeli", [], "pembeli (warga)"),
    ("asn", "081100000008", "Yuli ASN Diskominfo", [(Role.ASN, None, None)], "ASN"),
    (
        "leadership",
        "081100000009",
        "Pak Wali Kota (pimpinan)",
        [(Role.LEADERSHIP, None, None)],
        "pimpinan (baca dasbor kota): /dasbor/",
    ),
]


def seed_people(ctx: DemoContext) -> None:
    created = 0
    for key, phone, name, roles, what in PEOPLE:
        normalised = account_services.phone_normalise(phone=phone)
        user = User.objects.filter(phone=normalised).first()
        if user is None:
            user = account_services.user_register(phone=phone, password=DEMO_PASSWORD, name=name)
            # Demo numbers cannot receive a code: they count as proved, so every role can be
            # tried at once. A new account made in the demo verifies its number (the code is
            # printed on the server's console).
            User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())
            user.refresh_from_db()
            created += 1
        for role, agency, area in roles:
            account_services.role_grant(user=user, role=role, agency_code=agency, area_code=area)
        ctx.users[key] = user
        ctx.logins.append((name, normalised, what))
    ctx.counts["users_created"] = created


def seed_umkm(ctx: DemoContext) -> None:
    from malpro.umkm import demo

    demo.seed(ctx)


def seed_catalog(ctx: DemoContext) -> None:
    from django.core.management import call_command

    from malpro.catalog import demo

    call_command("load_categories", stdout=io.StringIO())
    demo.seed(ctx)


def seed_orders(ctx: DemoContext) -> None:
    from malpro.orders import demo

    demo.seed(ctx)


seed_orders.own_transactions = True  # checkouts are durable transactions of their own


def seed_payments(ctx: DemoContext) -> None:
    from malpro.payments import demo

    demo.seed(ctx)


seed_payments.own_transactions = True


def seed_asn(ctx: DemoContext) -> None:
    from malpro.asn import demo

    demo.seed(ctx)


def seed_history(ctx: DemoContext) -> None:
    from malpro.demo import history

    history.seed(ctx)


seed_history.own_transactions = True


def seed_books(ctx: DemoContext) -> None:
    from malpro.books import demo

    demo.seed(ctx)


STEPS = [
    seed_people,
    seed_umkm,
    seed_catalog,
    seed_orders,
    seed_payments,
    seed_asn,
    seed_history,
    seed_books,
]


def run(*, history_orders: int | None = None) -> DemoContext:
    ctx = DemoContext(history_orders=history_orders)
    for step in STEPS:
        if getattr(step, "own_transactions", False):
            step(ctx)
        else:
            with transaction.atomic():
                step(ctx)
    return ctx
