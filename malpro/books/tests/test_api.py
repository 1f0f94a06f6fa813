"""The books' API: entries (a replay by client_id answers 200 with the same entry), field
errors, the summary equal to the entries, and who reads what."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from malpro.books import services
from malpro.books.models import Entry
from malpro.catalog.tests.factories import shop

pytestmark = pytest.mark.django_db


def body(amount=25_000, **extra):
    return {
        "direction": "in",
        "category": "sales",
        "amount": amount,
        "occurred_on": timezone.localdate().isoformat(),
        "method": "cash",
        **extra,
    }


def test_an_entry_sent_twice_is_made_once(seller, api):
    business = shop(seller)
    client = api(seller)
    url = f"/api/v1/books/{business.pk}/entries"
    key = str(uuid.uuid4())
    first = client.post(url, body(client_id=key, note="Jual gorengan"))
    second = client.post(url, body(client_id=key, note="Jual gorengan"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Entry.objects.filter(book__business=business).count() == 1
    listed = client.get(url).json()
    assert listed["count"] == 1
    assert listed["results"][0]["note"] == "Jual gorengan"


def test_bad_entries_get_field_errors(seller, api):
    business = shop(seller)
    answer = api(seller).post(
        f"/api/v1/books/{business.pk}/entries",
        body(category="withdrawal", occurred_on="2099-01-01"),
    )
    assert answer.status_code in (400, 422)
    fields = answer.json()["extra"]["fields"]
    assert set(fields) == {"category", "occurred_on"}
    assert not Entry.objects.exists()


def test_an_automatic_entry_cannot_be_edited(seller, buyer, api):
    from malpro.asn.tests.factories import complete_order
    from malpro.catalog.tests.factories import product
    from malpro.orders.tests.factories import delivering_shop

    business = delivering_shop(seller)
    complete_order(buyer, product(business, "Kopi Dampit", price=30_000), fast=True)
    entry = Entry.objects.get(book__business=business)
    answer = api(seller).patch(
        f"/api/v1/books/{business.pk}/entries/{entry.pk}", body(amount=1_000)
    )
    assert answer.status_code == 409
    assert "otomatis" in answer.json()["message"]


def test_the_summary_equals_the_entries_and_compares_with_before(seller, api):
    business = shop(seller)
    client = api(seller)
    url = f"/api/v1/books/{business.pk}/entries"
    for payload in (
        body(100_000),
        body(40_000, direction="out", category="stock"),
        body(10_000, direction="out", category="withdrawal"),
        body(70_000, occurred_on="2026-09-10"),
    ):
        assert client.post(url, payload).status_code == 201
    answer = client.get(
        f"/api/v1/books/{business.pk}/summary", {"from": "2026-09-01", "to": "2026-09-30"}
    ).json()
    assert (answer["income"], answer["spending"], answer["profit"]) == (70_000, 0, 70_000)
    assert answer["label"] == "September 2026"
    assert answer["previous"]["label"] == "Agustus 2026"
    today = timezone.localdate()
    now = client.get(f"/api/v1/books/{business.pk}/summary").json()
    assert (now["income"], now["spending"], now["withdrawals"]) == (100_000, 40_000, 10_000)
    assert now["profit"] == 60_000
    assert now["from"] == today.replace(day=1).isoformat()
    assert sum(d["income"] for d in now["days"]) == now["income"]


def test_a_bad_range_is_a_field_error(seller, api):
    business = shop(seller)
    answer = api(seller).get(
        f"/api/v1/books/{business.pk}/summary", {"from": "2026-10-10", "to": "2026-10-01"}
    )
    assert answer.status_code in (400, 422)
    assert "to" in answer.json()["extra"]["fields"]


def test_an_agency_reads_only_what_was_shared_with_it(seller, officer, other_officer, api):
    business = shop(seller)
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=services.EntryInput(
            direction="in", category="sales", amount=80_000, occurred_on=timezone.localdate()
        ),
    )
    summary_url = f"/api/v1/books/{business.pk}/summary"
    assert api(officer).get(summary_url).status_code == 404
    agency = business.agencies.get()
    share = services.share_grant(
        actor=seller, business_id=business.pk, agency_id=agency.pk, agreed=True
    )
    assert "Catatan rinci, nama pelanggan dan stok tidak dibagikan" in share.consent_text
    assert api(officer).get(summary_url).json()["income"] == 80_000
    assert api(officer).get(f"/api/v1/books/{business.pk}/entries").status_code == 403
    assert api(other_officer).get(summary_url).status_code == 404
    shared = api(officer).get("/api/v1/books/shared").json()
    assert [(r["business_id"], r["income"]) for r in shared["results"]] == [(business.pk, 80_000)]
    services.share_revoke(actor=seller, business_id=business.pk, share_id=share.pk)
    assert api(officer).get(summary_url).status_code == 404
    assert api(officer).get("/api/v1/books/shared").json()["count"] == 0


def test_kasbon_through_the_api(seller, api):
    business = shop(seller)
    client = api(seller)
    base = f"/api/v1/books/{business.pk}"
    contact = client.post(
        f"{base}/contacts", {"kind": "customer", "name": "Pak Darto", "phone": "081234567890"}
    ).json()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    debt = client.post(
        f"{base}/contacts/{contact['id']}/debts",
        {"amount": 60_000, "occurred_on": timezone.localdate().isoformat(), "due_on": due},
    )
    assert debt.status_code == 201
    paid = client.post(
        f"{base}/contacts/{contact['id']}/payments",
        {"amount": 25_000, "paid_on": timezone.localdate().isoformat()},
    )
    assert paid.status_code == 201
    listed = client.get(f"{base}/contacts").json()
    assert [(c["name"], c["balance"]) for c in listed] == [("Pak Darto", 35_000)]
    reminder = client.post(f"{base}/contacts/{contact['id']}/remind").json()
    assert reminder["amount"] == 35_000
    assert reminder["whatsapp_link"].startswith("https://wa.me/6281234567890?text=")
    assert "Rp35.000" in reminder["whatsapp_link"].replace("%2C", ",").replace("%20", " ")
    assert reminder["sent_through_malpro"] is False


def test_an_agency_gets_the_figures_not_the_breakdowns(seller, officer, api):
    business = shop(seller)
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=services.EntryInput(
            direction="in",
            category="sales",
            amount=50_000,
            occurred_on=timezone.localdate(),
            items=[services.Line(name="Keripik", quantity=5, total=50_000)],
        ),
    )
    services.share_grant(
        actor=seller, business_id=business.pk, agency_id=business.agencies.get().pk, agreed=True
    )
    url = f"/api/v1/books/{business.pk}/summary"
    mine, theirs = api(seller).get(url).json(), api(officer).get(url).json()
    assert mine["top_items"] and mine["by_method"] and mine["by_category"]
    assert (theirs["income"], theirs["top_items"], theirs["by_method"]) == (50_000, [], [])
    assert theirs["by_category"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"from": "9999-12-05"},
        {"from": "0001-01-01", "to": "0001-01-31"},
        {"to": "0001-01-01"},
        {"from": "2026-13-01"},
    ],
)
def test_dates_out_of_range_are_field_errors(seller, api, query):
    business = shop(seller)
    answer = api(seller).get(f"/api/v1/books/{business.pk}/summary", query)
    assert answer.status_code in (400, 422)
    assert answer.json()["extra"]


def test_the_agencys_list_comes_a_page_at_a_time_with_totals_over_all(officer, api):
    from malpro.accounts.models import Agency
    from malpro.conftest import make_user

    agency = Agency.objects.get(code="DISKOPINDAG")
    for n, income in enumerate((30_000, 10_000, 20_000)):
        owner = make_user(f"08129999100{n}", f"Pemilik {n}", [("seller", None, None)])
        business = shop(owner)
        services.entry_create(
            actor=owner,
            business_id=business.pk,
            data=services.EntryInput(
                direction="in", category="sales", amount=income, occurred_on=timezone.localdate()
            ),
        )
        customer = services.contact_create(
            actor=owner, business_id=business.pk, kind="customer", name="Bu Nur"
        )
        services.debt_create(
            actor=owner,
            business_id=business.pk,
            contact_id=customer.pk,
            amount=1_000 * (n + 1),
            occurred_on=timezone.localdate(),
        )
        services.share_grant(actor=owner, business_id=business.pk, agency_id=agency.pk, agreed=True)
    first = api(officer).get("/api/v1/books/shared", {"page_size": 2}).json()
    second = api(officer).get("/api/v1/books/shared", {"page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 3
    assert first["totals"]["income"] == 60_000 and first["totals"]["receivables"] == 6_000
    assert [r["income"] for r in first["results"] + second["results"]] == [30_000, 20_000, 10_000]
    assert [r["receivables"] for r in first["results"] + second["results"]] == [1_000, 3_000, 2_000]
