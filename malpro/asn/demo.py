"""Demo ASN programme: an example policy (labelled as an example, not law), a small roster with
the demo ASN claimed, a staples bundle, an offline purchase waiting for its seller, and the
month's standings and integrity checks."""

from __future__ import annotations

import datetime as dt

from malpro.accounts.models import Agency
from malpro.asn import flags, obligation, periods, reports
from malpro.asn.models import Bundle, BundleItem, Employee, OfflinePurchase, Policy, PolicyAmount
from malpro.catalog.models import Category
from malpro.core.crypto import nip_hash
from malpro.core.validators import clean_nip

# (NIP, name, OPD, golongan, eselon, TPP class)
ROSTER = [
    ("198507122010012003", "Yuli Astuti", "DISKOMINFO", "III/b", "", "7"),
    ("199003152022211001", "Bayu Pratama", "DISPANGTAN", "IX", "", "5"),
    ("197806202003121004", "Hendra Wijaya", "DISKOPINDAG", "IV/a", "III.B", "12"),
    ("198911032014022002", "Rahmawati", "KEC-KLOJEN", "III/a", "", "6"),
    ("198203152008011005", "Slamet Riyadi", "BKPSDM", "III/d", "IV.A", "9"),
    ("199505052019032006", "Nur Aini", "DISKOMINFO", "III/a", "", "6"),
]


def seed(ctx) -> None:
    if Policy.objects.exists():
        ctx.counts["asn"] = Employee.objects.count()
        return
    policy = Policy.objects.create(
        name="Contoh kebijakan belanja ASN di UMKM",
        is_example=True,
        regulation_ref="CONTOH — Perwal tentang kewajiban ASN berbelanja di UMKM masih disusun",
        effective_from=dt.date(2026, 1, 1),
        default_amount=500_000,
        cap_amount=600_000,
        cap_share=50,
        counts_offline=True,
    )
    for value, amount in (("I", 500_000), ("II", 500_000), ("III", 750_000), ("IV", 1_000_000)):
        PolicyAmount.objects.create(policy=policy, basis="golongan", value=value, amount=amount)
    PolicyAmount.objects.create(policy=policy, basis="eselon", value="III.B", amount=2_000_000)
    PolicyAmount.objects.create(policy=policy, basis="eselon", value="IV.A", amount=1_500_000)
    policy.eligible_categories.add(
        *Category.objects.filter(
            slug__in=["sembako", "hasil-pertanian", "olahan-susu", "makanan-ringan", "minuman"]
        )
    )
    agencies = {a.code: a for a in Agency.objects.all()}
    for nip, name, agency, golongan, eselon, tpp in ROSTER:
        parsed = clean_nip(nip)
        Employee.objects.create(
            nip=nip,
            name=name,
            agency=agencies[agency],
            employment_type=parsed.kind,
            golongan=golongan,
            eselon=eselon,
            tpp_class=tpp,
            birth_date=parsed.birth_date,
            phone=ctx.users["asn"].phone if name == "Yuli Astuti" else "",
            user=ctx.users["asn"] if name == "Yuli Astuti" else None,
        )
    bundle = Bundle.objects.create(
        name="Paket sembako keluarga",
        description="Beras 5 kg, minyak goreng 2 L, gula 1 kg, telur 1 kg, susu 1 liter",
    )
    for label, slug, words in (
        ("Beras 5 kg", "beras", "5 kg"),
        ("Minyak goreng 2 liter", "minyak-goreng", "2 liter"),
        ("Gula 1 kg", "gula", "1 kg"),
        ("Telur 1 kg", "telur", "1 kg"),
        ("Susu 1 liter", "susu", "1 liter"),
    ):
        BundleItem.objects.create(
            bundle=bundle, label=label, category=Category.objects.get(slug=slug), keywords=words
        )
    yuli = Employee.objects.get(nip_hash=nip_hash("198507122010012003"))
    shop = ctx.users["seller"].businesses.first()
    from malpro.catalog.demo import tile

    purchase = OfflinePurchase(
        employee=yuli,
        business=shop,
        amount=45_000,
        purchased_on=dt.date.today(),
        description="Keripik tempe 3 bks",
    )
    photo = tile("Nota", 1)
    purchase.receipt.save(photo.name, photo, save=False)
    purchase.save()
    year, month = periods.parse(None)
    period = obligation.period_get(year, month)
    reports.ensure_standings(period)
    flags.detect(period)
    ctx.counts["asn"] = Employee.objects.count()
