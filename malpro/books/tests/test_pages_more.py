"""The book's pages of kasbon, stock, sharing, assistance and the agency's view, through HTTP
with real rendering: what a person sees."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from malpro.books import services
from malpro.books.forms import parse_amount
from malpro.books.models import Assistance, Contact, Debt, Entry, Share, StockItem, StockMove
from malpro.catalog.models import Product
from malpro.catalog.tests.factories import product, shop
from malpro.notifications.models import Notification

pytestmark = pytest.mark.django_db

KLOJEN_VILLAGE = "35.73.02.1001"


def today():
    return timezone.localdate()


def text(response) -> str:
    return response.content.decode()


def customer(seller, business, name="Bu Tini", phone="081299990001"):
    return services.contact_create(
        actor=seller, business_id=business.pk, kind="customer", name=name, phone=phone
    )


# --- access --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["debts", "contact_new", "stock", "item_new", "report", "share", "assistance"]
)
def test_book_pages_are_the_keepers_only(web, seller, other_seller, name):
    business = shop(seller)
    url = (
        f"/buku/{business.pk}/"
        + {
            "debts": "kasbon/",
            "contact_new": "kasbon/baru/",
            "stock": "stok/",
            "item_new": "stok/baru/",
            "report": "laporan/",
            "share": "berbagi/",
            "assistance": "pendamping/",
        }[name]
    )
    assert web(seller).get(url).status_code == 200
    assert web(other_seller).get(url).status_code == 404
    anonymous = web().get(url)
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]


# --- kasbon --------------------------------------------------------------------------------------
def test_amounts_as_shop_owners_type_them():
    assert parse_amount("15.000", label="Jumlah") == 15_000
    assert parse_amount("Rp 15.000", label="Jumlah") == 15_000
    assert parse_amount("5 rb", label="Jumlah") == 5_000
    assert parse_amount("5rb", label="Jumlah") == 5_000
    assert parse_amount("1,5 jt", label="Jumlah") == 1_500_000
    assert parse_amount("2 juta", label="Jumlah") == 2_000_000


def test_a_kasbon_and_a_partial_payment_through_the_pages(web, seller):
    business = shop(seller)
    client = web(seller)
    response = client.post(
        f"/buku/{business.pk}/kasbon/baru/",
        {"kind": "customer", "name": "Bu Tini", "phone": "0812-9999-0001"},
    )
    contact = Contact.objects.get(book__business=business)
    assert response["Location"] == f"/buku/{business.pk}/kasbon/{contact.pk}/"
    base = f"/buku/{business.pk}/kasbon/{contact.pk}/"
    response = client.post(
        base + "utang/",
        {"amount": "50 rb", "occurred_on": today().isoformat(), "due_on": "", "note": "beras"},
    )
    assert response.status_code == 302
    response = client.post(
        base + "bayar/",
        {"amount": "20.000", "paid_on": today().isoformat(), "method": "cash"},
        follow=True,
    )
    page = text(response)
    assert "Pembayaran Rp20.000 dicatat. Sisa Rp30.000." in page
    assert "0812-9999-0001" in page  # the keeper sees the phone here
    listing = text(client.get(f"/buku/{business.pk}/kasbon/"))
    assert "Bu Tini" in listing and "Rp30.000" in listing
    entry = Entry.objects.get(book__business=business, source="debt_payment")
    assert entry.amount == 20_000 and entry.direction == "in"


def test_paying_more_than_the_balance_is_a_field_error_naming_the_balance(web, seller):
    business = shop(seller)
    contact = customer(seller, business)
    services.debt_create(
        actor=seller,
        business_id=business.pk,
        contact_id=contact.pk,
        amount=30_000,
        occurred_on=today(),
    )
    response = web(seller).post(
        f"/buku/{business.pk}/kasbon/{contact.pk}/bayar/",
        {"amount": "40000", "paid_on": today().isoformat(), "method": "cash"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Lebih besar dari sisa utang (Rp30.000)." in page
    assert 'id="id_amount_error"' in page
    assert 'aria-invalid="true"' in page
    assert re.search(r'aria-describedby="[^"]*\bid_amount_error\b', page)
    assert Debt.objects.get().paid == 0


def test_undoing_a_payment_owes_the_amount_again(web, seller):
    business = shop(seller)
    contact = customer(seller, business)
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=30_000,
        occurred_on=today(),
    )  # fmt: skip
    entry, _created = services.contact_pay(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=10_000,
        paid_on=today(),
    )  # fmt: skip
    response = web(seller).post(f"/buku/{business.pk}/kasbon/bayar/{entry.pk}/batal/", follow=True)
    page = text(response)
    assert "Pembayaran Rp10.000 dibatalkan" in page
    assert Debt.objects.get().paid == 0
    assert Entry.objects.get(pk=entry.pk).deleted_at is not None


def test_a_reminder_shows_the_whatsapp_link_with_the_amount(web, seller, buyer):
    business = shop(seller, name="Warung Bu Sari")
    contact = customer(seller, business, phone=buyer.phone)  # a Malpro member
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=45_000,
        occurred_on=today(), due_on=today(),
    )  # fmt: skip
    client = web(seller)
    response = client.post(f"/buku/{business.pk}/kasbon/{contact.pk}/ingatkan/", follow=True)
    page = text(response)
    assert "sisa kasbon Anda Rp45.000" in page
    digits = buyer.phone.lstrip("+")
    assert f"https://wa.me/{digits}?text=" in page
    assert quote("Rp45.000") in page
    assert "Buka WhatsApp" in page
    assert "Juga terkirim ke akun Malpro pelanggan ini." in page
    assert Notification.objects.filter(user=buyer, kind="books.debt_reminder").exists()
    # Shown once: a reload does not show (or send) it again.
    assert "Buka WhatsApp" not in text(client.get(f"/buku/{business.pk}/kasbon/{contact.pk}/"))


def test_a_reminder_to_a_customer_without_malpro_goes_only_through_whatsapp(web, seller):
    business = shop(seller)
    contact = customer(seller, business, phone="081277770000")
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=12_000,
        occurred_on=today(),
    )  # fmt: skip
    page = text(web(seller).post(f"/buku/{business.pk}/kasbon/{contact.pk}/ingatkan/", follow=True))
    assert "wa.me/6281277770000" in page
    assert "belum punya akun Malpro" in page


def test_overdue_customers_are_marked(web, seller):
    business = shop(seller)
    contact = customer(seller, business)
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=10_000,
        occurred_on=today() - dt.timedelta(days=10), due_on=today() - dt.timedelta(days=3),
    )  # fmt: skip
    page = text(web(seller).get(f"/buku/{business.pk}/kasbon/"))
    assert "lewat jatuh tempo" in page
    assert "1 orang sudah lewat jatuh tempo." in page


def test_a_kasbon_with_an_item_takes_it_from_stock(web, seller):
    business = shop(seller)
    contact = customer(seller, business)
    item = services.item_create(
        actor=seller, business_id=business.pk, name="Beras 5 kg", quantity=10, sell_price=70_000
    )
    response = web(seller).post(
        f"/buku/{business.pk}/kasbon/{contact.pk}/utang/",
        {
            "amount": "140000",
            "occurred_on": today().isoformat(),
            "item": str(item.pk),
            "quantity": "2",
        },
    )
    assert response.status_code == 302
    assert services.stock_of(item) == 8
    move = StockMove.objects.get(item=item, reason="credit_sale")
    page = text(web(seller).get(f"/buku/{business.pk}/stok/{item.pk}/"))
    assert "Terjual (kasbon)" in page and "Bu Tini" in page and move.delta == -2


# --- stock ---------------------------------------------------------------------------------------
def test_stock_from_the_pages_add_recount_edit_archive(web, seller):
    business = shop(seller)
    client = web(seller)
    response = client.post(
        f"/buku/{business.pk}/stok/baru/",
        {"name": "Gula 1 kg", "unit": "kg", "quantity": "12", "buy_price": "14.000",
         "sell_price": "16rb"},
    )  # fmt: skip
    item = StockItem.objects.get(book__business=business)
    assert response["Location"] == f"/buku/{business.pk}/stok/{item.pk}/"
    assert (item.quantity, item.buy_price, item.sell_price) == (12, 14_000, 16_000)
    url = f"/buku/{business.pk}/stok/{item.pk}/"
    response = client.post(
        url, {"action": "adjust", "adjust-counted": "3", "adjust-note": "hitung"}, follow=True
    )
    page = text(response)
    assert "Stok dihitung ulang: sekarang 3." in page
    assert "hampir habis" in page  # 3 is low
    assert "Penyesuaian (hitung ulang)" in page
    assert services.stock_of(item) == 3
    client.post(
        url,
        {"action": "edit", "edit-name": "Gula pasir", "edit-unit": "kg",
         "edit-buy_price": "14500", "edit-sell_price": "17000"},
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.name, item.sell_price) == ("Gula pasir", 17_000)
    listing = text(client.get(f"/buku/{business.pk}/stok/"))
    assert "Gula pasir" in listing and "3 kg" in listing
    client.post(url, {"action": "adjust", "adjust-counted": "0"})
    assert "habis" in text(client.get(f"/buku/{business.pk}/stok/"))
    client.post(url, {"action": "archive"})
    assert StockItem.objects.get(pk=item.pk).archived


def test_a_negative_recount_is_a_field_error(web, seller):
    business = shop(seller)
    item = services.item_create(actor=seller, business_id=business.pk, name="Kopi", quantity=4)
    response = web(seller).post(
        f"/buku/{business.pk}/stok/{item.pk}/", {"action": "adjust", "adjust-counted": "-2"}
    )
    assert response.status_code == 200
    assert 'id="id_adjust-counted_error"' in text(response)
    assert services.stock_of(item) == 4


def test_linking_an_item_to_a_product_makes_one_count(web, seller):
    business = shop(seller)
    goods = product(business, "Keripik tempe", stock=9)
    client = web(seller)
    page = text(client.get(f"/buku/{business.pk}/stok/baru/"))
    assert "Keripik tempe (stok 9)" in page
    client.post(
        f"/buku/{business.pk}/stok/baru/",
        {"name": "Keripik tempe", "unit": "pcs", "quantity": "0", "product_id": str(goods.pk)},
    )
    item = StockItem.objects.get(book__business=business)
    assert item.product_id == goods.pk
    page = text(client.get(f"/buku/{business.pk}/stok/{item.pk}/"))
    assert "stok ini adalah stok produk di marketplace" in page
    client.post(
        f"/buku/{business.pk}/stok/{item.pk}/", {"action": "adjust", "adjust-counted": "20"}
    )
    assert Product.objects.get(pk=goods.pk).stock == 20
    client.post(f"/buku/{business.pk}/stok/{item.pk}/", {"action": "unlink"})
    item.refresh_from_db()
    assert item.product_id is None and item.quantity == 20


# --- sharing and the agency's view ---------------------------------------------------------------
def _share(web, seller, business):
    agency = business.agencies.get()
    return web(seller).post(
        f"/buku/{business.pk}/berbagi/",
        {"action": "grant", "agency": str(agency.pk), f"a{agency.pk}-agreed": "on"},
        follow=True,
    )


def test_sharing_records_the_consent_text_and_the_agency_sees_summaries_only(
    web, seller, officer, other_officer
):
    business = shop(seller, name="Warung Sari")
    page = text(web(seller).get(f"/buku/{business.pk}/berbagi/"))
    assert "Saya mengizinkan" in page and "Saya setuju" in page
    # Without the box ticked nothing is shared.
    agency = business.agencies.get()
    refused = web(seller).post(
        f"/buku/{business.pk}/berbagi/", {"action": "grant", "agency": str(agency.pk)}
    )
    assert "Centang persetujuan" in text(refused) and not Share.objects.exists()
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=services.EntryInput(
            direction="in", category="sales", amount=75_000, occurred_on=today()
        ),
    )
    response = _share(web, seller, business)
    assert "Ringkasan buku dibagikan dengan" in text(response)
    share = Share.objects.get()
    assert share.consent_text.startswith("Saya mengizinkan") and share.granted_by == seller

    agency_view = web(officer)
    listing = text(agency_view.get("/buku/dibagikan/"))
    assert "Warung Sari" in listing and "Rp75.000" in listing
    detail = agency_view.get(f"/buku/dibagikan/{business.pk}/")
    assert detail.status_code == 200 and "Rp75.000" in text(detail)
    assert "Per kategori" not in text(detail)  # summaries, not the book's detail
    assert agency_view.get(f"/buku/{business.pk}/").status_code == 403
    assert agency_view.get(f"/buku/{business.pk}/kasbon/").status_code == 403
    assert agency_view.get(f"/buku/{business.pk}/laporan/").status_code == 403
    assert agency_view.get(f"/buku/{business.pk}/laporan/unduh.xlsx").status_code == 403
    # Another agency does not see it at all.
    assert web(other_officer).get(f"/buku/dibagikan/{business.pk}/").status_code == 404
    assert "Warung Sari" not in text(web(other_officer).get("/buku/dibagikan/"))


def test_revoking_ends_the_agency_view(web, seller, officer):
    business = shop(seller)
    _share(web, seller, business)
    share = Share.objects.get()
    response = web(seller).post(
        f"/buku/{business.pk}/berbagi/", {"action": "revoke", "share": str(share.pk)}, follow=True
    )
    assert "dihentikan" in text(response)
    assert Share.objects.get().revoked_at is not None
    assert web(officer).get(f"/buku/dibagikan/{business.pk}/").status_code == 404
    assert "Belum ada UMKM binaan" in text(web(officer).get("/buku/dibagikan/"))


def test_the_agency_view_is_for_officers(web, seller, buyer):
    assert web(buyer).get("/buku/dibagikan/").status_code == 403
    assert web(seller).get("/buku/dibagikan/").status_code == 403


# --- assistance ----------------------------------------------------------------------------------
def test_an_operator_starts_keeping_a_book_and_the_owner_ends_it(web, seller, operator):
    from malpro.umkm.tests.factories import make_business

    business = make_business(owner=None, name="Toko Klojen", village=KLOJEN_VILLAGE)
    client = web(operator)
    page = text(client.get("/buku/bantu/", {"q": "Klojen"}))
    assert "Toko Klojen" in page and "Mulai mencatat" in page
    refused = client.post(f"/buku/bantu/{business.pk}/mulai/", {"consent_note": "lisan saja"})
    assert "Centang bahwa pemilik sudah setuju" in text(refused)
    response = client.post(
        f"/buku/bantu/{business.pk}/mulai/",
        {"consent": "on", "consent_note": "lisan, di kantor kelurahan"},
    )
    assert response["Location"] == f"/buku/{business.pk}/"
    assistance = Assistance.objects.get()
    assert assistance.consent_note == "lisan, di kantor kelurahan"
    assert client.get(f"/buku/{business.pk}/kasbon/").status_code == 200
    assert "Toko Klojen" in text(client.get("/buku/bantu/"))

    business.owner = seller  # the owner claims the business later
    business.save(update_fields=["owner"])
    owner_page = text(web(seller).get(f"/buku/{business.pk}/pendamping/"))
    assert "Dewi Klojen" in owner_page and "lisan, di kantor kelurahan" in owner_page
    response = web(seller).post(f"/buku/bantu/selesai/{assistance.pk}/", follow=True)
    assert "dihentikan" in text(response)
    assert client.get(f"/buku/{business.pk}/kasbon/").status_code == 404


def test_an_owner_with_an_account_keeps_their_own_book(web, seller, operator):
    business = shop(seller, name="Toko Klojen", village=KLOJEN_VILLAGE)
    response = web(operator).post(
        f"/buku/bantu/{business.pk}/mulai/",
        {"consent": "on", "consent_note": "lisan, di kantor kelurahan"},
        follow=True,
    )
    assert "punya akun Malpro" in text(response)
    assert not Assistance.objects.exists()
    assert web(operator).get(f"/buku/{business.pk}/kasbon/").status_code == 404


def test_the_operator_shares_with_a_note_on_how_the_owner_agreed(web, operator):
    from malpro.umkm.tests.factories import make_business

    business = make_business(owner=None, village=KLOJEN_VILLAGE)
    services.assistance_start(
        actor=operator, business_id=business.pk, consent=True, consent_note="lisan, di rumah"
    )
    agency = business.agencies.get()
    client = web(operator)
    missing = client.post(
        f"/buku/{business.pk}/berbagi/",
        {"action": "grant", "agency": str(agency.pk), f"a{agency.pk}-agreed": "on"},
    )
    assert missing.status_code == 200 and not Share.objects.exists()
    client.post(
        f"/buku/{business.pk}/berbagi/",
        {
            "action": "grant",
            "agency": str(agency.pk),
            f"a{agency.pk}-agreed": "on",
            f"a{agency.pk}-note": "lisan, di kantor kelurahan",
        },
    )
    assert "lisan, di kantor kelurahan" in Share.objects.get().consent_text


def test_an_operator_outside_their_area_gets_404(web, seller, operator):
    elsewhere = shop(seller)  # Lowokwaru, not Klojen
    client = web(operator)
    assert client.get(f"/buku/bantu/{elsewhere.pk}/mulai/").status_code == 404
    response = client.post(
        f"/buku/bantu/{elsewhere.pk}/mulai/", {"consent": "on", "consent_note": "lisan, di rumah"}
    )
    assert response.status_code == 404
    assert client.get(f"/buku/{elsewhere.pk}/kasbon/").status_code == 404
    assert "Usaha Contoh" not in text(client.get("/buku/bantu/", {"q": "Usaha"}))
    assert not Assistance.objects.exists()


def test_the_assistance_pages_are_for_area_operators(web, seller):
    assert web(seller).get("/buku/bantu/").status_code == 403


def test_a_business_without_an_owner_account_can_be_assisted(web, operator):
    from malpro.umkm.tests.factories import make_business

    business = make_business(owner=None, name="Tahu Walik Pak Dul", village=KLOJEN_VILLAGE)
    response = web(operator).post(
        f"/buku/bantu/{business.pk}/mulai/",
        {"consent": "on", "consent_note": "lisan, pemilik tidak punya HP"},
    )
    assert response["Location"] == f"/buku/{business.pk}/"
    assert web(operator).get(f"/buku/{business.pk}/stok/").status_code == 200


def test_another_books_contact_or_item_is_404(web, seller, other_seller):
    mine = shop(seller)
    theirs = shop(other_seller)
    contact = customer(other_seller, theirs)
    item = services.item_create(actor=other_seller, business_id=theirs.pk, name="Teh")
    client = web(seller)
    assert client.get(f"/buku/{mine.pk}/kasbon/{contact.pk}/").status_code == 404
    assert client.get(f"/buku/{mine.pk}/stok/{item.pk}/").status_code == 404
    assert client.post(f"/buku/{mine.pk}/kasbon/{contact.pk}/ingatkan/").status_code == 404
