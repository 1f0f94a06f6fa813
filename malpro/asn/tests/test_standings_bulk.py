import datetime as dt

import pytest
from django.utils import timezone

from malpro.asn import obligation, periods, reports
from malpro.asn.models import Exemption, OfflinePurchase, Standing
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.catalog.models import Category
from malpro.orders.models import Order, OrderStatus
from malpro.umkm.models import Status


@pytest.mark.django_db
def test_bulk_standings_equal_a_recount_per_asn(asn_user, buyer, seller, other_seller):
    """ensure_standings (one set query per source) gives what compute() gives per ASN: caps per
    UMKM, eligible categories, inactive UMKM, cancelled orders, offline purchases, leave."""
    found = policy(cap_amount=100_000, cap_share=50, default=400_000)
    found.eligible_categories.add(Category.objects.get(slug="sembako"))
    first = delivering_shop(seller, name="Toko Sembako Barokah")
    second = delivering_shop(other_seller, name="Keripik Sanan")
    beras = product(first, "Beras 5 kg", category="beras", price=70000, stock=100)
    minyak = product(first, "Minyak 2 liter", category="minyak-goreng", price=35000, stock=100)
    keripik = product(second, "Keripik Tempe", category="keripik", price=15000, stock=100)
    asn = employee(user=asn_user, golongan="III/b")
    other = employee(nip="199003152022211001", user=buyer, golongan="IX", name="Bayu")
    unlinked = employee(nip="198911032014022002", name="Rahmawati")
    year, month = periods.parse(None)
    complete_order(asn_user, beras, 1, key="a")  # 70.000
    complete_order(asn_user, minyak, 2, key="b")  # 70.000 more at the same UMKM: capped
    complete_order(asn_user, keripik, 2, key="c")  # ineligible category
    complete_order(buyer, beras, 1, key="d")
    cancelled = complete_order(buyer, minyak, 1, key="e")
    Order.objects.filter(pk=cancelled.pk).update(status=OrderStatus.CANCELLED)
    complete_order(buyer, keripik, 1, key="f")
    second.status = Status.SUSPENDED
    second.save(update_fields=["status"])
    today = timezone.localdate()
    for state, amount in (("confirmed", 50_000), ("pending", 20_000)):
        OfflinePurchase.objects.create(
            employee=other,
            business=first,
            amount=amount,
            purchased_on=today,
            receipt="asn/nota/x.jpg",
            state=state,
        )
    Exemption.objects.create(
        employee=other, kind="leave", start=periods.first_day(year, month), end=today
    )
    Standing.objects.all().delete()
    period = obligation.period_get(year, month)
    assert reports.ensure_standings(period) == 3
    for person in (asn, other, unlinked):
        stored = Standing.objects.get(employee=person, period=period)
        fresh = obligation.compute(person, year, month, policy=period.policy)
        assert (stored.required, stored.counted, stored.excluded) == (
            fresh.required,
            fresh.counted,
            fresh.excluded_total,
        )
    assert Standing.objects.get(employee=asn).counted == 100_000
    assert reports.ensure_standings(period) == 0
    stamp = Standing.objects.get(employee=asn).computed_at
    assert obligation.standings_store(period, [asn]) == 1
    assert Standing.objects.get(employee=asn).computed_at >= stamp
    assert timezone.now() - stamp < dt.timedelta(minutes=5)


@pytest.mark.django_db
def test_report_top_and_bottom_per_opd():
    found = policy(default=100_000)
    period = obligation.period_get(2026, 3)
    assert period.policy == found
    nips = [f"19850712201001{g}0{n:02d}" for g in "12" for n in range(1, 6)]
    people = [
        employee(nip=nip, name=f"ASN {i:02d}", agency="DISKOMINFO" if i < 6 else "DISPANGTAN")
        for i, nip in enumerate(nips)
    ]  # each roster change recomputes the period's standings: set the figures afterwards
    made = []
    for index, person in enumerate(people):
        counted = (index % 4) * 50_000  # ties broken by name
        Standing.objects.update_or_create(
            employee=person,
            period=period,
            defaults={"agency": person.agency, "required": 100_000, "counted": counted},
        )
        made.append((person.agency.code, counted, person.name))
    rows = {r.agency.code: r for r in reports.opd_report(year=2026, month=3, extremes=3)}
    for code in ("DISKOMINFO", "DISPANGTAN"):
        mine = [m for m in made if m[0] == code]
        high = sorted(mine, key=lambda m: (-m[1], m[2]))[:3]
        low = sorted(mine, key=lambda m: (m[1], m[2]))[:3]
        top = [(s.counted, s.employee.name) for s in rows[code].top]
        bottom = [(s.counted, s.employee.name) for s in rows[code].bottom]
        assert top == [(m[1], m[2]) for m in high]
        assert bottom == [(m[1], m[2]) for m in low]
    assert rows["DISKOMINFO"].asn_count == 6 and rows["DISPANGTAN"].asn_count == 4
