"""Demo history: about sixty more UMKM over the whole city and six months of orders, so the
city's dashboard shows something like a real programme (growth, a few popular shops and a long
tail, ASN and citizens, COD and QRIS, cancellations and rejections).

Everything goes through the real services (registration, documents, verification, products,
checkout, the payment simulator's webhook, order transitions, ASN in-person purchases), so the
events and the ledger are true. Only afterwards are the dates moved into the past months with
queryset `.update()` — demo-only: the orders' own timestamps, their timeline rows and
checkouts, the businesses' created_at and their StatusChange rows. The ledger's journal rows
and the domain events are append-only and stay dated today (the day the demo was seeded).
The dashboard's aggregate rows are then rebuilt from the moved orders, and the ASN standings
of the months concerned recomputed.

Deterministic (one seeded random generator, dates relative to today) and idempotent (a second
run finds the first history business and the history's checkouts and does nothing). The
months are those before the day of the first seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from malpro.accounts import services as account_services
from malpro.accounts.models import Agency, RoleAssignment, User
from malpro.accounts.roles import Role
from malpro.asn import obligation
from malpro.asn import services as asn_services
from malpro.asn.models import Employee
from malpro.catalog import services as catalog_services
from malpro.catalog.models import Product
from malpro.core.validators import clean_nip
from malpro.dashboard import aggregates
from malpro.notifications import preferences
from malpro.notifications.kinds import CATEGORIES
from malpro.orders import services as orders
from malpro.orders.models import Checkout, Order, OrderEvent
from malpro.payments import services as payments
from malpro.payments.gateways.simulator import SIGNATURE_HEADER, SimulatorGateway, sign
from malpro.payments.models import BankAccount, Payment
from malpro.regions.models import District, Village
from malpro.umkm import services as umkm
from malpro.umkm.models import Business, Guidance, Status, StatusChange

SEED = 16
MONTHS = 6  # the current month and the five before it
# Orders placed over the months (one seller each). Each goes through checkout, payment and
# every transition with all their event consumers (~0.25 s of CPU here), so the default keeps
# `make run` within about 30 s more than before; `seed_demo --history-orders 300` for more.
CHECKOUTS = 90
OPEN = 4  # the last few stay open (placed hours ago): something in the sellers' inboxes
VILLAGES_PER_DISTRICT = 6  # 5 kecamatan x 6 = 30 kelurahan
KEY = "demo-hist-{:04d}"
FIRST_NAME = "Keripik Singkong Bu Ratna"  # the first history business: its marker

OWNERS = [
    ("Ratna", "Bu"),
    ("Sumarno", "Pak"),
    ("Wulan", "Mbak"),
    ("Hartono", "Pak"),
    ("Lestari", "Bu"),
    ("Joko", "Pak"),
    ("Fitri", "Mbak"),
    ("Suparman", "Pak"),
    ("Indah", "Bu"),
    ("Rudi", "Mas"),
    ("Sulastri", "Bu"),
    ("Agung", "Mas"),
    ("Nanik", "Bu"),
    ("Teguh", "Pak"),
    ("Ayu", "Mbak"),
    ("Gunawan", "Pak"),
    ("Marni", "Mbok"),
    ("Eko", "Mas"),
    ("Yanti", "Bu"),
    ("Darto", "Pak"),
    ("Rini", "Bu"),
    ("Bagus", "Mas"),
    ("Kartini", "Bu"),
    ("Heru", "Pak"),
    ("Dian", "Mbak"),
    ("Sugeng", "Pak"),
    ("Umi", "Bu"),
    ("Fajar", "Mas"),
    ("Tutik", "Bu"),
    ("Wahono", "Pak"),
    ("Nurul", "Mbak"),
    ("Prapto", "Pak"),
    ("Sari", "Bu"),
    ("Dimas", "Mas"),
    ("Ningsih", "Bu"),
    ("Karyo", "Pak"),
    ("Mega", "Mbak"),
    ("Budi", "Pak"),
    ("Siti", "Bu"),
    ("Anton", "Mas"),
    ("Ida", "Bu"),
    ("Supri", "Pak"),
    ("Lina", "Mbak"),
    ("Harno", "Pak"),
    ("Wati", "Bu"),
    ("Yusuf", "Mas"),
    ("Sumi", "Mbok"),
    ("Tono", "Pak"),
    ("Ratih", "Mbak"),
    ("Salim", "Pak"),
    ("Endah", "Bu"),
    ("Rizal", "Mas"),
    ("Parmi", "Mbok"),
    ("Hadi", "Pak"),
    ("Novi", "Mbak"),
    ("Slamet", "Pak"),
    ("Tatik", "Bu"),
    ("Arif", "Mas"),
    ("Murni", "Bu"),
    ("Darmaji", "Pak"),
]
# sector -> (business name prefixes, [(product, category, price, unit)])
SECTORS = {
    "makanan_minuman": (
        ["Keripik Singkong", "Kue Basah", "Sambal", "Kue Kering", "Wedang", "Frozen Food"],
        [
            ("Keripik Singkong Balado 200 g", "keripik", 12_000, "pack"),
            ("Kue Lapis Legit", "kue-basah", 45_000, "box"),
            ("Sambal Bajak Botol", "sambal", 22_000, "botol"),
            ("Nastar Keju 500 g", "kue-kering", 68_000, "box"),
            ("Wedang Jahe Sereh", "minuman-segar", 10_000, "botol"),
            ("Rawon Beku 500 g", "makanan-beku", 38_000, "pack"),
            ("Kerupuk Ikan 250 g", "kerupuk", 15_000, "pack"),
            ("Teh Rosella Kering", "teh", 25_000, "pack"),
        ],
    ),
    "pertanian": (
        ["Tani", "Kebun", "Ternak"],
        [
            ("Beras Mentik Wangi 5 kg", "beras", 78_000, "karung"),
            ("Sayur Sop Segar", "sayur", 9_000, "pcs"),
            ("Telur Ayam Kampung 10 butir", "telur", 30_000, "pack"),
            ("Madu Randu 250 ml", "madu", 55_000, "botol"),
            ("Apel Manalagi 1 kg", "buah", 28_000, "kg"),
            ("Ayam Potong Segar 1 kg", "daging-ikan", 40_000, "kg"),
        ],
    ),
    "perdagangan": (
        ["Toko", "Warung", "Grosir"],
        [
            ("Minyak Goreng 2 liter", "minyak-goreng", 36_000, "botol"),
            ("Gula Pasir Lokal 1 kg", "gula", 17_500, "pack"),
            ("Tepung Terigu 1 kg", "tepung", 13_000, "pack"),
            ("Bumbu Pecel 250 g", "bumbu-dapur", 14_000, "pack"),
        ],
    ),
    "kerajinan": (
        ["Kerajinan", "Anyaman", "Galeri"],
        [
            ("Keranjang Anyaman Bambu", "anyaman", 45_000, "pcs"),
            ("Miniatur Topeng Malangan", "suvenir", 60_000, "pcs"),
            ("Talenan Kayu Jati", "kerajinan-kayu", 50_000, "pcs"),
        ],
    ),
    "fashion": (
        ["Batik", "Konveksi", "Butik"],
        [
            ("Kain Batik Cap Malangan", "batik", 150_000, "pcs"),
            ("Kemeja Batik Pria", "pakaian", 185_000, "pcs"),
            ("Bros Rajut", "aksesoris", 20_000, "pcs"),
        ],
    ),
    "kecantikan": (
        ["Jamu", "Sabun", "Herbal"],
        [
            ("Sabun Sereh Alami", "sabun", 15_000, "pcs"),
            ("Jamu Kunyit Asam 1 liter", "jamu", 20_000, "botol"),
            ("Lulur Rempah 100 g", "perawatan-kulit", 35_000, "pcs"),
        ],
    ),
}
SECTOR_WEIGHTS = {
    "makanan_minuman": 40,
    "pertanian": 18,
    "perdagangan": 14,
    "kerajinan": 10,
    "fashion": 10,
    "kecantikan": 8,
}
# ASN who buy in the history: (NIP, name, OPD, golongan)
ASN = [
    ("197804122005012004", "Sri Wahyuningsih", "DISKOMINFO", "III/d"),
    ("198106232009011003", "Ahmad Fauzi", "DISKOPINDAG", "III/c"),
    ("198909092015032002", "Dewi Kartika", "DISPANGTAN", "III/a"),
    ("197512012000031005", "Bambang Sutrisno", "BKPSDM", "IV/a"),
    ("199203172019022001", "Lia Puspitasari", "KEC-KLOJEN", "III/a"),
    ("198408302010011002", "Rahmat Hidayat", "DISKOMINFO", "III/b"),
    ("199107112017031004", "Yoga Prasetyo", "DISPANGTAN", "II/c"),
    ("198012192006042003", "Endang Sulistyowati", "DISKOPINDAG", "III/c"),
    ("197911052003122002", "Titik Rahayu", "BKPSDM", "III/d"),
    ("199304252020121001", "Andika Saputra", "DISKOMINFO", "II/d"),
]
CITIZENS = [
    "Rudi Hartanto",
    "Nia Kurniasih",
    "Fikri Ramadhan",
    "Lusi Anggraini",
    "Tommy Wijaya",
    "Ika Safitri",
    "Hendra Gunawan",
    "Mira Lestari",
    "Adi Nugroho",
    "Putri Maharani",
    "Bayu Aji",
    "Citra Dewi",
    "Galih Pratama",
    "Santi Oktaviani",
    "Wawan Setiawan",
    "Evi Susanti",
    "Doni Saputra",
    "Rina Marlina",
    "Ilham Maulana",
    "Yuni Astuti",
    "Arya Wibisono",
    "Desi Ratnasari",
    "Farhan Akbar",
    "Reni Handayani",
    "Zainal Abidin",
    "Tari Wulandari",
    "Krisna Putra",
    "Anis Fitriani",
    "Gilang Ramadhan",
    "Maya Sari",
]


@dataclass
class Shop:
    business: Business
    owner: User
    active_at: dt.datetime
    weight: float
    products: list[Product] = field(default_factory=list)


def _midday(day: dt.date, rng: random.Random, start_hour: int = 7, end_hour: int = 20):
    moment = dt.datetime.combine(
        day, dt.time(rng.randint(start_hour, end_hour), rng.randint(0, 59))
    )
    return timezone.make_aware(moment)


def _rng(offset: int) -> random.Random:
    return random.Random(SEED + offset)  # noqa: S311 - demo data, reproducible on purpose


def seed(ctx) -> None:
    """The history step (own transactions: checkouts are durable transactions of their own)."""
    rng = _rng(0)
    today = timezone.localdate()
    first_month = today.replace(day=1)
    for _ in range(MONTHS - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    if not Business.objects.filter(name=FIRST_NAME).exists():
        with transaction.atomic():
            _businesses(ctx, rng, first_month)
    if not Checkout.objects.filter(idempotency_key__startswith="demo-hist-").exists():
        count = ctx.history_orders if ctx.history_orders is not None else CHECKOUTS
        _history(ctx, _rng(1), first_month, today, count)
    ctx.counts["umkm"] = Business.objects.count()
    ctx.counts["umkm_active"] = Business.objects.filter(status=Status.ACTIVE).count()
    ctx.counts["products"] = Product.objects.count()
    ctx.counts["orders"] = Order.objects.count()
    ctx.counts["payments"] = Payment.objects.count()
    ctx.counts["history_orders"] = Order.objects.filter(
        checkout__idempotency_key__startswith="demo-hist-"
    ).count()


# --- people ------------------------------------------------------------------------------------
_HASH: list[str] = []


def _person(phone: str, name: str, *, verified: bool) -> User:
    """A demo account. Not through user_register: hashing a password costs half a second, so
    every history account shares one hash of the demo password (each can still sign in)."""
    user = User.objects.filter(phone=phone).first()
    if user is None:
        if not _HASH:
            from malpro.demo.seeds import DEMO_PASSWORD

            _HASH.append(make_password(DEMO_PASSWORD))
        user = User(phone=phone, name=name, password=_HASH[0])
        if verified:
            user.phone_verified_at = timezone.now()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.BUYER)
    return user


def _quiet(user: User) -> None:
    """History sellers read their messages in the app: no WhatsApp/SMS for hundreds of past
    orders on the console (in-app notifications are still written)."""
    preferences.preferences_set(
        user=user, choices={key: set() for key, c in CATEGORIES.items() if not c.locked}
    )


def _nik(district: str, index: int) -> str:
    day, month, year = 1 + index % 28, 1 + index % 12, 60 + index % 40
    if index % 2:
        day += 40  # women's NIK: day of birth + 40
    return f"3573{district}{day:02d}{month:02d}{year:02d}{500 + index:04d}"


# --- businesses --------------------------------------------------------------------------------
def _kind(index: int) -> str:
    """What happened to the index-th business: most are selling; some only in the register."""
    if index < 44:
        return "active"
    return [
        "draft",
        "submitted",
        "rejected",
        "verified_self",
        "operator_verified",
        "operator_verified",
        "operator_submitted",
        "operator_submitted",
        "import",
        "import",
        "import",
        "import_none",
        "import_none",
        "draft",
        "operator_verified",
        "import",
    ][index - 44]


def _businesses(ctx, rng: random.Random, first_month: dt.date) -> None:
    admin = ctx.users["admin"]
    officers = {
        "DISKOPINDAG": ctx.users["officer_diskopindag"],
        "DISPANGTAN": ctx.users["officer_dispangtan"],
    }
    agencies = {a.code: a for a in Agency.objects.filter(code__in=officers)}
    villages = []
    for district in District.objects.order_by("code"):
        found = list(Village.objects.filter(district=district).order_by("code"))
        villages += rng.sample(found, min(VILLAGES_PER_DISTRICT, len(found)))
    sectors = list(SECTOR_WEIGHTS)
    ktp = SimpleUploadedFile("ktp.jpg", _jpeg(), "image/jpeg")
    today = timezone.localdate()
    for index, (owner_name, title) in enumerate(OWNERS):
        kind = _kind(index)
        village = villages[index % len(villages)]
        district = village.code.split(".")[2]
        sector = rng.choices(sectors, weights=[SECTOR_WEIGHTS[s] for s in sectors])[0]
        prefix = rng.choice(SECTORS[sector][0])
        name = f"{prefix} {title} {owner_name}"
        if index == 0:
            name, sector = FIRST_NAME, "makanan_minuman"
        guidance = rng.choices(
            [["DISKOPINDAG"], ["DISPANGTAN"], ["DISKOPINDAG", "DISPANGTAN"]], weights=[5, 3, 2]
        )[0]
        if sector in ("pertanian",) and guidance == ["DISKOPINDAG"]:
            guidance = ["DISPANGTAN"]
        if kind in ("draft", "import_none"):
            guidance = []
        scale = rng.choices(["micro", "small", "medium"], weights=[80, 15, 5])[0]
        sales = {
            "micro": rng.randrange(24, 1_800, 12) * 1_000_000,
            "small": rng.randrange(2_400, 14_000, 100) * 1_000_000,
            "medium": rng.randrange(16_000, 45_000, 500) * 1_000_000,
        }[scale]
        nib = f"91202{index + 1:08d}" if rng.random() < 0.55 or scale != "micro" else ""
        halal = sector in ("makanan_minuman", "pertanian") and rng.random() < 0.45
        issued = today - dt.timedelta(days=rng.randint(60, 1400))
        expires = issued + dt.timedelta(days=4 * 365)  # some have lapsed: not valid any more
        data = umkm.BusinessInput(
            name=name,
            owner_name=f"{owner_name}",
            owner_nik=_nik(district, index),
            phone=f"+628130001{index:04d}",
            village_code=village.code,
            sector=sector,
            address=f"Jl. {village.name} Gg. {1 + index % 9} No. {10 + index}",
            description=f"{name}: produk rumahan dari Kelurahan {village.name}.",
            nib=nib,
            halal_number=f"ID35730{index + 1:09d}" if halal else "",
            halal_issued_on=issued if halal else None,
            halal_expires_on=expires if halal else None,
            capital=sales // 8,
            annual_sales=sales,
            agency_codes=guidance,
        )
        # When it entered the register: most before the history's first month, some later.
        if kind == "active" and index % 6 == 5:
            start = first_month + dt.timedelta(days=rng.randint(20, 120))
        else:
            start = first_month - dt.timedelta(days=rng.randint(15, 200))
        created = _midday(start, rng)
        if kind.startswith("import"):
            business = _imported(data, agencies, created)
            continue
        if kind.startswith("operator"):
            actor = ctx.users["operator_klojen"] if district == "02" else admin
            business = umkm.business_register(
                actor=actor,
                data=data,
                on_behalf=True,
                consent=True,
                consent_note="Formulir persetujuan ditandatangani saat sosialisasi kelurahan",
            )
            owner = None
        else:
            owner = _person(f"+628130001{index:04d}", f"{owner_name}", verified=True)
            business = umkm.business_register(actor=owner, data=data)
            _quiet(owner)
        moments = [("draft", created)]
        if kind != "draft":
            if owner is not None:
                umkm.document_add(actor=owner, business=business, kind="ktp", upload=ktp)
                ktp.seek(0)
            submitter = owner or (ctx.users["operator_klojen"] if district == "02" else admin)
            umkm.business_transition(actor=submitter, business_id=business.pk, to="submitted")
            at = created + dt.timedelta(hours=rng.randint(2, 60))
            moments.append(("submitted", at))
        if kind in ("active", "verified_self", "operator_verified", "rejected"):
            decider = officers[guidance[0]] if guidance else admin
            wait = rng.randint(4, 96) if guidance[:1] == ["DISKOPINDAG"] else rng.randint(24, 300)
            at += dt.timedelta(hours=wait)
            if kind == "rejected":
                umkm.business_transition(
                    actor=decider,
                    business_id=business.pk,
                    to="rejected",
                    reason="Alamat usaha tidak sesuai KTP, mohon diperbaiki.",
                )
                moments.append(("rejected", at))
            else:
                umkm.business_transition(actor=decider, business_id=business.pk, to="verified")
                moments.append(("verified", at))
        if kind == "active":
            business = umkm.business_transition(actor=owner, business_id=business.pk, to="active")
            at += dt.timedelta(hours=rng.randint(1, 48))
            moments.append(("active", at))
            _shop_setup(business, owner, index, rng)
        _backdate(business, moments)


def _imported(data: umkm.BusinessInput, agencies: dict, created: dt.datetime) -> Business:
    """A row of an agency's spreadsheet import: unclaimed, verified when an agency vouched for
    it, a draft otherwise (as the importer records them)."""
    from malpro.umkm.models import name_key
    from malpro.umkm.scale import classify

    status = Status.VERIFIED if data.agency_codes else Status.DRAFT
    business = Business.objects.create(
        name=data.name,
        name_key=name_key(data.name),
        owner_name=data.owner_name,
        owner_nik=data.owner_nik,
        phone=data.phone,
        address=data.address,
        village_id=data.village_code,
        sector=data.sector,
        capital=data.capital,
        annual_sales=data.annual_sales,
        scale=classify(capital=data.capital, annual_sales=data.annual_sales),
        nib=data.nib or None,
        halal_number=data.halal_number,
        halal_issued_on=data.halal_issued_on,
        halal_expires_on=data.halal_expires_on,
        status=status,
        source="import",
        created_at=created,
        status_changed_at=created,
    )
    for code in data.agency_codes:
        Guidance.objects.create(
            business=business, agency=agencies[code], source="import", since=created
        )
    StatusChange.objects.create(
        business=business, from_status="", to_status=status, created_at=created
    )
    return business


def _backdate(business: Business, moments: list[tuple[str, dt.datetime]]) -> None:
    """Demo-only: moves the business's registration and its history rows into the past."""
    created = moments[0][1]
    Business.objects.filter(pk=business.pk).update(
        created_at=created, status_changed_at=moments[-1][1]
    )
    Guidance.objects.filter(business=business).update(since=created)
    rows = list(StatusChange.objects.filter(business=business).order_by("id"))
    for row, (_status, moment) in zip(rows, moments, strict=False):
        StatusChange.objects.filter(pk=row.pk).update(created_at=moment)


def _shop_setup(business: Business, owner: User, index: int, rng: random.Random) -> None:
    orders.delivery_update(
        actor=owner,
        business=business,
        pickup=True,
        delivery=True,
        min_order=0,
        fees={f"35.73.0{d}": 5000 + 1000 * ((d + index) % 5) for d in range(1, 6)},
        pickup_note="Buka setiap hari 07.00–20.00",
    )
    BankAccount.objects.get_or_create(
        business=business,
        defaults={
            "bank_code": "BJTM",
            "account_number": f"07{index + 1:02d}55501234",
            "account_name": business.owner_name[:100],
        },
    )
    catalogue = SECTORS[business.sector][1]
    for name, category, price, unit in rng.sample(catalogue, min(len(catalogue), 3)):
        catalog_services.product_create(
            actor=owner,
            business=business,
            data=catalog_services.ProductInput(
                name=name,
                category_slug=category,
                price=price + 500 * rng.randint(0, 6),
                unit=unit,
                stock=400,
                weight_grams=rng.choice([200, 250, 500, 1000]),
                description=f"{name} dari {business.name}.",
            ),
        )


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 25), (200, 190, 170)).save(out, "JPEG")
    return out.getvalue()


# --- orders ------------------------------------------------------------------------------------
def _employees(ctx) -> list[User]:
    agencies = {a.code: a for a in Agency.objects.all()}
    # Not the demo ASN (Yuli): her messages would fill the console with past orders.
    users = []
    for index, (nip, name, agency, golongan) in enumerate(ASN):
        user = _person(f"+628150003{index:04d}", name, verified=False)
        account_services.role_grant(user=user, role=Role.ASN)
        if not Employee.objects.filter(user=user).exists():
            parsed = clean_nip(nip)
            Employee.objects.create(
                nip=nip,
                name=name,
                agency=agencies[agency],
                employment_type=parsed.kind,
                golongan=golongan,
                birth_date=parsed.birth_date,
                phone=user.phone,
                user=user,
            )
        users.append(user)
    return users


def _shops(first_month: dt.date) -> list[Shop]:
    rng = _rng(2)
    found = []
    for business in (
        Business.objects.filter(status=Status.ACTIVE, owner__phone__startswith="+628130001")
        .select_related("owner")
        .order_by("pk")
    ):
        active_at = (
            StatusChange.objects.filter(business=business, to_status=Status.ACTIVE)
            .values_list("created_at", flat=True)
            .first()
        )
        found.append(Shop(business, business.owner, active_at, 0.0))
    rng.shuffle(found)
    # A few popular shops, a long tail, and some that sold nothing (weight 0).
    for rank, shop in enumerate(found):
        shop.weight = 0.0 if rank >= len(found) - 6 else 1 / (rank + 1) ** 0.9
        shop.products = list(Product.objects.filter(business=shop.business).order_by("pk"))
    return found


def _pay(payment: Payment) -> None:
    """The simulator's signed webhook, as the gateway would send it."""
    body = SimulatorGateway.notification_body(payment)
    request = RequestFactory().post(
        "/api/v1/payments/webhooks/simulator",
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(body)},
    )
    payments.notification_handle(provider="simulator", request=request)


def _history(ctx, rng: random.Random, first_month: dt.date, today: dt.date, count: int) -> None:
    shops = _shops(first_month)
    asn = _employees(ctx)
    citizens = [
        _person(f"+628140002{i:04d}", name, verified=False) for i, name in enumerate(CITIZENS)
    ]
    loyal = [1 / (i + 1) ** 0.7 for i in range(len(citizens))]
    months = []
    month = first_month
    while month <= today:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    last_final = today - dt.timedelta(days=3)  # completed ones had time to complete
    # Growth: more orders each month; the current month only for the days it has had.
    growth = [1 + 0.6 * i for i in range(len(months))]
    growth[-1] *= last_final.day / 30 if last_final >= months[-1] else 0
    for index in range(count):
        open_order = index >= count - OPEN
        if open_order:
            placed = timezone.now() - dt.timedelta(
                hours=rng.randint(1, 5), minutes=rng.randint(0, 59)
            )
        else:
            month = rng.choices(months, weights=growth)[0]
            end = min(
                (month + dt.timedelta(days=32)).replace(day=1), last_final + dt.timedelta(days=1)
            )
            day = month + dt.timedelta(days=rng.randrange(max((end - month).days, 1)))
            placed = _midday(day, rng)
        candidates = [s for s in shops if s.weight and s.active_at + dt.timedelta(days=1) < placed]
        if not candidates:
            continue
        shop = rng.choices(candidates, weights=[s.weight for s in candidates])[0]
        is_asn = rng.random() < 0.3
        buyer = rng.choice(asn) if is_asn else rng.choices(citizens, weights=loyal)[0]
        method = "qris" if rng.random() < 0.45 else "cod"
        delivery = "pickup" if rng.random() < 0.35 else "delivery"
        roll = rng.random()
        outcome = (
            "open"
            if open_order
            else ("completed" if roll < 0.84 else "cancelled" if roll < 0.92 else "rejected")
        )
        lines = [
            (p, rng.choice([1, 1, 1, 2, 2, 3]))
            for p in rng.sample(shop.products, rng.choice([1, 1, 2, 2, 3]))
        ]
        _one(index, shop, buyer, lines, method, delivery, outcome, placed, rng)
    _instore(ctx, asn, shops, rng, today)
    # The moved orders' aggregates, from their first month on; and the ASN standings.
    aggregates.rebuild()
    for month in months:
        obligation.period_refresh(obligation.period_get(month.year, month.month))


def _one(index, shop, buyer, lines, method, delivery, outcome, placed, rng) -> None:
    cart = orders.cart_for(user=buyer)
    cart.items.all().delete()
    for product, quantity in lines:
        orders.cart_set(cart=cart, product_id=product.pk, quantity=quantity)
    checkout, created = orders.checkout_place(
        buyer=buyer,
        cart=cart,
        idempotency_key=KEY.format(index),
        data=orders.CheckoutInput(
            address=orders.Address(
                village_code=shop.business.village_id,
                street=f"Jl. Kenanga No. {1 + index % 40}",
                contact_phone=buyer.phone,
                contact_name=buyer.name,
            ),
            deliveries={shop.business.pk: delivery},
            payment_method=method,
        ),
    )
    if not created:
        return
    order = checkout.orders.get()
    seller = shop.owner
    steps: list[str] = []
    if method == "qris":
        payment = payments.payment_charge(payment_id=Payment.objects.get(checkout=checkout).pk)
        if outcome == "cancelled" and rng.random() < 0.5:
            payments.buyer_cancel(user=buyer, checkout_id=checkout.pk)  # never paid
            steps = ["cancelled"]
        else:
            _pay(payment)
            steps = ["placed"]
    plan = {
        "completed": ["accepted", "ready", "delivered", "completed"],
        "cancelled": ["cancelled"],
        "rejected": ["rejected"] if rng.random() < 0.6 else ["accepted", "rejected"],
        "open": rng.choice([[], ["accepted"], ["accepted", "ready"]]),
    }[outcome]
    if steps != ["cancelled"]:
        for step in plan:
            actor = buyer if step in ("completed", "cancelled") else seller
            orders.order_transition(
                actor=actor,
                order_id=order.pk,
                to=step,
                reason={
                    "rejected": "Stok bahan sedang kosong",
                    "cancelled": "Salah pilih barang",
                }.get(step, ""),
                cash_amount=order.total if step == "delivered" and method == "cod" else None,
            )
        steps += plan
    if outcome != "open":
        _move(order.pk, checkout.pk, placed, steps, rng)


def _move(order_id: int, checkout_id: int, placed: dt.datetime, steps: list[str], rng) -> None:
    """Demo-only: the order's dates, its timeline and its checkout moved to when it happened."""
    gaps = {
        "placed": (2, 15),  # paid (QRIS) minutes after checkout
        "accepted": (10, 180),
        "ready": (20, 300),
        "delivered": (30, 360),
        "completed": (60, 2880),
        "cancelled": (5, 120),
        "rejected": (10, 240),
    }
    field_of = {
        "placed": "paid_at",
        "accepted": "accepted_at",
        "ready": "ready_at",
        "delivered": "delivered_at",
        "completed": "completed_at",
        "cancelled": "closed_at",
        "rejected": "closed_at",
    }
    values = {"placed_at": placed}
    at = placed
    when = {}
    # Never later than now (an order placed three days ago in the evening could otherwise
    # complete this afternoon before it is this afternoon): one minute apart at the latest.
    latest = timezone.now() - dt.timedelta(minutes=len(steps) + 1)
    for index, step in enumerate(steps, start=1):
        at += dt.timedelta(minutes=rng.randint(*gaps[step]))
        at = max(min(at, latest + dt.timedelta(minutes=index)), placed)
        values[field_of[step]] = at
        when[step] = at
    Order.objects.filter(pk=order_id).update(**values)
    Checkout.objects.filter(pk=checkout_id).update(created_at=placed)
    for event in OrderEvent.objects.filter(order_id=order_id).order_by("id"):
        moment = when.get(event.to_status, placed)
        if event.from_status in ("", None):
            moment = placed
        OrderEvent.objects.filter(pk=event.pk).update(created_at=moment)


def _instore(ctx, asn: list[User], shops: list[Shop], rng: random.Random, today) -> None:
    """ASN in-person purchases (recorded with a receipt within 60 days, as the rules say),
    confirmed by the shop."""
    from malpro.catalog.demo import tile

    selling = [s for s in shops if s.weight]
    for index in range(6):
        user = asn[index % len(asn)]
        shop = selling[rng.randrange(min(len(selling), 12))]
        day = today - dt.timedelta(days=rng.randint(2, 50))
        purchase = asn_services.offline_record(
            user=user,
            business_id=shop.business.pk,
            amount=rng.randrange(25_000, 250_000, 5_000),
            purchased_on=day,
            receipt=tile("Nota", index),
            description="Belanja langsung di toko",
        )
        asn_services.offline_purchase_transition(
            actor=shop.owner, purchase_id=purchase.pk, to="confirmed"
        )
