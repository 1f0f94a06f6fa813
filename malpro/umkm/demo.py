"""Demo UMKM: a register like the city's at launch, small. Deterministic and idempotent."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from malpro.accounts.models import Agency, User
from malpro.regions.models import Village
from malpro.umkm import services
from malpro.umkm.models import Business, Guidance, Status, StatusChange, name_key

# (name, owner, sector, kelurahan, agencies, status, capital, annual sales, nib, halal)
BUSINESSES = [
    (
        "Keripik Tempe Sanan Bu Siti",
        "Siti Aminah",
        "makanan_minuman",
        "35.73.01.1005",
        "DISKOPINDAG",
        "active",
        30_000_000,
        240_000_000,
        True,
        True,
    ),
    (
        "Sambal Pecel Mbok Darmi",
        "Darmi",
        "makanan_minuman",
        "35.73.05.1003",
        "DISKOPINDAG;DISPANGTAN",
        "active",
        8_000_000,
        96_000_000,
        True,
        True,
    ),
    (
        "Kopi Bubuk Lereng Arjuno",
        "Slamet Riyadi",
        "makanan_minuman",
        "35.73.05.1006",
        "DISPANGTAN",
        "active",
        45_000_000,
        320_000_000,
        True,
        True,
    ),
    (
        "Beras Organik Tani Makmur",
        "Kelompok Tani Makmur",
        "pertanian",
        "35.73.03.1001",
        "DISPANGTAN",
        "active",
        120_000_000,
        900_000_000,
        True,
        False,
    ),
    (
        "Batik Tulis Celaket",
        "Hadi Santoso",
        "fashion",
        "35.73.02.1001",
        "DISKOPINDAG",
        "active",
        60_000_000,
        420_000_000,
        True,
        False,
    ),
    (
        "Toko Kelontong Barokah",
        "Rohmah",
        "perdagangan",
        "35.73.04.1001",
        "DISKOPINDAG",
        "active",
        25_000_000,
        300_000_000,
        False,
        False,
    ),
    (
        "Susu Kedelai Mbak Ani",
        "Ani Susanti",
        "makanan_minuman",
        "35.73.04.1002",
        "DISPANGTAN",
        "active",
        5_000_000,
        60_000_000,
        False,
        True,
    ),
    (
        "Telur Ayam Kampung Pak Kirno",
        "Sukirno",
        "pertanian",
        "35.73.03.1005",
        "DISPANGTAN",
        "active",
        15_000_000,
        150_000_000,
        False,
        False,
    ),
    (
        "Minyak Kelapa Murni Bu Yayuk",
        "Yayuk Rahayu",
        "makanan_minuman",
        "35.73.01.1008",
        "DISKOPINDAG",
        "active",
        10_000_000,
        80_000_000,
        True,
        True,
    ),
    (
        "Gula Aren Asli Tumpang",
        "Warsito",
        "makanan_minuman",
        "35.73.03.1008",
        "DISPANGTAN",
        "active",
        7_000_000,
        70_000_000,
        False,
        True,
    ),
    (
        "Kerajinan Topeng Malangan",
        "Wahyu Pratama",
        "kerajinan",
        "35.73.02.1005",
        "DISKOPINDAG",
        "active",
        20_000_000,
        150_000_000,
        True,
        False,
    ),
    (
        "Rengginang Lorjuk Sukun",
        "Lilik",
        "makanan_minuman",
        "35.73.04.1005",
        "DISKOPINDAG",
        "active",
        3_000_000,
        36_000_000,
        False,
        False,
    ),
    (
        "Sayur Segar Tani Mulyo",
        "Mulyono",
        "pertanian",
        "35.73.05.1009",
        "DISPANGTAN",
        "submitted",
        4_000_000,
        48_000_000,
        False,
        False,
    ),
    (
        "Kue Kering Bu Endang",
        "Endang Lestari",
        "makanan_minuman",
        "35.73.01.1002",
        "DISKOPINDAG",
        "submitted",
        6_000_000,
        72_000_000,
        False,
        False,
    ),
    (
        "Jamu Gendong Mbok Tini",
        "Tini",
        "kecantikan",
        "35.73.02.1003",
        "DISKOPINDAG",
        "draft",
        None,
        None,
        False,
        False,
    ),
    (
        "Konveksi Seragam Arjosari",
        "Bambang Irawan",
        "fashion",
        "35.73.01.1002",
        "DISKOPINDAG",
        "rejected",
        80_000_000,
        600_000_000,
        False,
        False,
    ),
    (
        "Madu Hutan Lawang",
        "Joko Susilo",
        "pertanian",
        "35.73.05.1001",
        "DISPANGTAN",
        "verified",
        12_000_000,
        110_000_000,
        True,
        True,
    ),
    (
        "Bakpao Telo Kedungkandang",
        "Sri Wahyuni",
        "makanan_minuman",
        "35.73.03.1002",
        "DISKOPINDAG;DISPANGTAN",
        "verified",
        9_000_000,
        90_000_000,
        False,
        True,
    ),
]
UNCLAIMED_PHONE = "+6281100000007"  # the demo buyer can claim "Bakpao Telo Kedungkandang"


def _nik(index: int, village_code: str) -> str:
    district = village_code.split(".")[2]
    return f"3573{district}{(index % 28) + 1:02d}0{(index % 9) + 1}8{index % 10}{index + 1:04d}"


def seed(ctx) -> None:
    if Business.objects.filter(source="demo").exists():
        ctx.counts["umkm"] = Business.objects.count()
        return
    seller = ctx.users["seller"]
    officer = ctx.users["officer_diskopindag"]
    agencies = {a.code: a for a in Agency.objects.all()}
    for index, row in enumerate(BUSINESSES):
        name, owner_name, sector, village, codes, status, capital, sales, nib, halal = row
        owner = seller if index == 0 else None
        if status in ("active", "submitted", "rejected", "draft") and owner is None:
            owner = _owner_for(ctx, index, owner_name)
        unclaimed = name == "Bakpao Telo Kedungkandang"
        business = Business.objects.create(
            name=name,
            name_key=name_key(name),
            owner=owner,
            owner_name=owner_name,
            owner_nik=_nik(index, village),
            phone=UNCLAIMED_PHONE
            if unclaimed
            else (owner.phone if owner else f"+6285700{index:06d}"),
            address=f"Jl. {Village.objects.get(code=village).name} No. {index + 3}",
            village_id=village,
            sector=sector,
            capital=capital,
            annual_sales=sales,
            nib=f"91201{index + 1:08d}" if nib else None,
            halal_number=f"ID3511000{index + 1:010d}" if halal else "",
            status=status,
            on_marketplace=status == "active",
            status_reason="Foto KTP tidak terbaca, unggah ulang." if status == "rejected" else "",
            source="demo",
            description=f"{name}: produk asli Kota Malang.",
        )
        for code in codes.split(";"):
            Guidance.objects.create(business=business, agency=agencies[code], source="demo")
        if owner is not None:
            _tie_nik(owner, business, officer)
        path = {
            "draft": ["draft"],
            "submitted": ["draft", "submitted"],
            "rejected": ["draft", "submitted", "rejected"],
            "verified": ["verified"],
            "active": ["draft", "submitted", "verified", "active"],
        }
        previous = ""
        for step in path[status]:
            actor = officer if step in ("verified", "rejected") else owner
            StatusChange.objects.create(
                business=business,
                from_status=previous,
                to_status=step,
                actor=actor,
                reason=business.status_reason if step == "rejected" else "",
            )
            previous = step
    # A shop the Klojen operator registered for its owner, with consent on record.
    services.business_register(
        actor=ctx.users["operator_klojen"],
        data=services.BusinessInput(
            name="Tahu Walik Pak Dul",
            owner_name="Abdul Rohim",
            owner_nik="3573021506880004",
            phone="081299990001",
            village_code="35.73.02.1006",
            sector="makanan_minuman",
            agency_codes=["DISKOPINDAG"],
            annual_sales=48_000_000,
        ),
        on_behalf=True,
        consent=True,
        consent_note="Formulir persetujuan ditandatangani di Kantor Kelurahan",
    )
    Business.objects.filter(name="Tahu Walik Pak Dul").update(source="demo")
    submitted = Business.objects.get(name="Kue Kering Bu Endang")
    services.document_add(
        actor=submitted.owner,
        business=submitted,
        kind="ktp",
        upload=SimpleUploadedFile("ktp.jpg", _tiny_jpeg(), "image/jpeg"),
    )
    ctx.counts["umkm"] = Business.objects.count()
    ctx.counts["umkm_active"] = Business.objects.filter(status=Status.ACTIVE).count()


def _tie_nik(owner, business, officer) -> None:
    """The owner's account holds the NIK on their business (as registering or claiming now
    requires); an officer saw the KTP of those that passed verification."""
    values = {"nik": business.owner_nik, "nik_hash": business.owner_nik_hash}
    if business.status in ("verified", "active"):
        values.update(nik_verified_at=timezone.now(), nik_verified_by=officer)
    User.objects.filter(pk=owner.pk, nik="").update(**values)


def _owner_for(ctx, index, name):
    from malpro.accounts import services as account_services
    from malpro.demo.seeds import DEMO_PASSWORD

    phone = f"+6281100001{index:03d}"
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = account_services.user_register(phone=phone, password=DEMO_PASSWORD, name=name)
        # A seller's phone is proved (selling needs it); demo numbers cannot receive a code.
        User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())
    account_services.role_grant(user=user, role="seller")
    return user


def _tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 25), (200, 190, 170)).save(out, "JPEG")
    return out.getvalue()
