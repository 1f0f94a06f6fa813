"""The cash book's pages through HTTP, rendered: the entry form (amounts as shop owners type
them, field errors, the JSON answer the offline queue relies on), who may see a book and its
receipts, edit with history, delete and restore, the list by month, the service worker."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from malpro.accounts.models import Agency
from malpro.books import services
from malpro.books.forms import parse_amount
from malpro.books.models import Entry, Revision, Source
from malpro.books.services import EntryInput
from malpro.catalog.tests.factories import shop
from malpro.umkm.tests.factories import make_business

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def url(name, *args):
    return reverse(f"books:{name}", args=args)


def form_data(amount="15.000", *, category="sales", direction="in", **extra):
    data = {
        "direction": direction,
        "amount": amount,
        "category": category,
        "method": "cash",
        "occurred_on": today().isoformat(),
        "note": "",
        "client_id": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def make_entry(business, amount=10_000, **kwargs):
    data = EntryInput(
        direction=kwargs.pop("direction", "in"),
        category=kwargs.pop("category", "sales"),
        amount=amount,
        occurred_on=kwargs.pop("on", today()),
        **kwargs,
    )
    entry, _ = services.entry_create(actor=business.owner, business_id=business.pk, data=data)
    return entry


def jpeg(name="nota.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 20)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- amounts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("15000", 15_000),
        ("15.000", 15_000),
        ("Rp15.000", 15_000),
        ("Rp 15.000", 15_000),
        ("rp. 15.000,-", 15_000),
        ("15.000,00", 15_000),
        ("15rb", 15_000),
        ("15 rb", 15_000),
        ("15 ribu", 15_000),
        ("2,5rb", 2_500),
        ("1,5 jt", 1_500_000),
        ("1.5jt", 1_500_000),
        ("5 juta", 5_000_000),
        ("Rp 2 juta", 2_000_000),
        ("1.500rb", 1_500_000),
        ("50k", 50_000),
    ],
)
def test_amounts_are_read_as_shop_owners_type_them(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed", ["lima ribu", "15,5", "1,2345 rb", "1.2.3jt", "-5000", "1,5,0 jt"]
)
def test_amounts_that_are_not_amounts_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_amount(typed)


# --- the form ------------------------------------------------------------------------------------
def test_the_form_is_for_one_thumb(web, seller):
    business = shop(seller)
    page = text(web(seller).get(url("entry_new", business.pk) + "?jenis=masuk"))
    assert "Catat pemasukan" in page
    assert re.search(r'<input type="text" name="amount"[^>]*inputmode="numeric"', page)
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    # only income categories, and the three methods as chips
    assert "Penjualan" in page and "Tambahan modal" in page and "Beli stok/bahan" not in page
    for method in ("Tunai", "QRIS", "Transfer bank"):
        assert f"<span>{method}</span>" in page
    assert re.search(r'name="client_id" value="[0-9a-f-]{36}"', page)  # made by the server
    assert f'value="{today().isoformat()}"' in page
    assert "Simpan &amp; catat lagi" in page or "Simpan & catat lagi" in page
    spending = text(web(seller).get(url("entry_new", business.pk) + "?jenis=keluar"))
    assert "Catat pengeluaran" in spending and "Beli stok/bahan" in spending
    assert "Penjualan" not in spending


def test_the_form_saves_an_entry_and_the_book_shows_it(web, seller):
    business = shop(seller)
    client = web(seller)
    response = client.post(url("entry_new", business.pk) + "?jenis=masuk", form_data("15rb"))
    entry = Entry.objects.get(book__business=business)
    assert (entry.amount, entry.category, entry.source) == (15_000, "sales", Source.MANUAL)
    assert response.status_code == 302
    assert response["Location"] == f"{url('book', business.pk)}?baru={entry.pk}#catatan-{entry.pk}"
    page = text(client.get(response["Location"]))
    assert "Tersimpan." in page
    assert f'id="catatan-{entry.pk}" class="cash-row in is-new"' in page
    assert "+Rp15.000" in page
    # today's and this month's figures
    assert page.count("Rp15.000") >= 3


def test_save_and_record_another_comes_back_to_the_form(web, seller):
    business = shop(seller)
    client = web(seller)
    response = client.post(
        url("entry_new", business.pk) + "?jenis=keluar",
        form_data("1,5 jt", category="stock", direction="out", lagi="1"),
    )
    entry = Entry.objects.get()
    assert (entry.amount, entry.direction) == (1_500_000, "out")
    assert (
        response["Location"]
        == url("entry_new", business.pk) + f"?jenis=keluar&tersimpan={entry.pk}"
    )
    page = text(client.get(response["Location"]))
    assert "Tersimpan: Beli stok/bahan Rp1.500.000" in page


def test_field_errors_are_shown_next_to_their_fields_in_indonesian(web, seller):
    business = shop(seller)
    response = web(seller).post(
        url("entry_new", business.pk) + "?jenis=masuk",
        form_data("lima ribu", category="stock", occurred_on=""),
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'name="amount"[^>]*aria-describedby="id_amount_errors"', page)
    assert 'aria-invalid="true"' in page
    assert 'id="id_amount_errors"' in page and "tidak terbaca" in page
    assert 'id="id_category_errors"' in page and "Pilih kategori pemasukan." in page
    assert 'id="id_occurred_on_errors"' in page and "Tanggal wajib diisi." in page
    assert 'value="lima ribu"' in page  # what was typed stays
    assert not Entry.objects.exists()


def test_a_future_date_is_the_services_field_error(web, seller):
    business = shop(seller)
    later = (today() + dt.timedelta(days=10)).isoformat()
    response = web(seller).post(url("entry_new", business.pk), form_data(occurred_on=later))
    assert response.status_code == 422
    assert 'id="id_occurred_on_errors"' in text(response)
    assert "masa depan" in text(response)


def test_a_receipt_that_is_not_a_picture_is_a_field_error(web, seller):
    business = shop(seller)
    bad = SimpleUploadedFile("nota.jpg", b"not an image", content_type="image/jpeg")
    response = web(seller).post(url("entry_new", business.pk), {**form_data(), "receipt": bad})
    assert response.status_code == 422
    assert 'id="id_receipt_errors"' in text(response)
    assert not Entry.objects.exists()


def test_items_from_stock_move_the_stock(web, seller):
    business = shop(seller)
    item = services.item_create(
        actor=seller, business_id=business.pk, name="Kopi sachet", quantity=20, sell_price=2_000
    )
    client = web(seller)
    page = text(client.get(url("entry_new", business.pk)))
    assert "Barang dari stok (boleh dilewati)" in page and "Kopi sachet (pcs)" in page
    client.post(url("entry_new", business.pk), form_data("6.000", item_0=item.pk, qty_0="3"))
    item.refresh_from_db()
    assert item.quantity == 17
    line = Entry.objects.get().items.get()
    assert (line.name, line.quantity, line.total) == ("Kopi sachet", 3, 6_000)
    # more than is in stock: the field error names what is left
    response = client.post(
        url("entry_new", business.pk), form_data("90.000", item_0=item.pk, qty_0="30")
    )
    assert response.status_code == 422
    assert "tersisa 17" in text(response)


# --- the JSON answer of the offline queue ---------------------------------------------------------
def test_the_queue_gets_201_then_200_for_the_same_client_id(web, seller):
    business = shop(seller)
    client = web(seller)
    data = form_data("25.000")
    first = client.post(url("entry_new", business.pk), data, headers={"Accept": "application/json"})
    again = client.post(url("entry_new", business.pk), data, headers={"Accept": "application/json"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert first.json()["url"].startswith(url("book", business.pk) + "?baru=")
    assert Entry.objects.filter(book__business=business).count() == 1


def test_the_queue_gets_field_errors_as_422(web, seller):
    business = shop(seller)
    response = web(seller).post(
        url("entry_new", business.pk),
        form_data("", category="stock"),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    fields = response.json()["extra"]["fields"]
    assert set(fields) == {"amount", "category"}
    assert response.json()["message"]
    assert not Entry.objects.exists()


def test_a_reused_client_id_is_a_409_for_the_queue(web, seller):
    business = shop(seller)
    client = web(seller)
    data = form_data("25.000")
    client.post(url("entry_new", business.pk), data, headers={"Accept": "application/json"})
    other = client.post(
        url("entry_new", business.pk),
        {**data, "amount": "30.000"},
        headers={"Accept": "application/json"},
    )
    assert other.status_code == 409
    assert Entry.objects.count() == 1


def test_the_queue_signed_out_gets_401_not_the_login_page(web, seller):
    business = shop(seller)
    response = web().post(
        url("entry_new", business.pk), form_data(), headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert "masuk lagi" in response.json()["message"]


# --- who may see a book --------------------------------------------------------------------------
def test_strangers_get_404_a_sharing_agency_403_anonymous_the_login(
    web, seller, other_seller, officer, other_officer, city_admin
):
    business = shop(seller)
    entry = make_entry(business)
    pages = [
        url("book", business.pk),
        url("entry_new", business.pk),
        url("entries", business.pk),
        url("entry_detail", business.pk, entry.pk),
        url("entry_edit", business.pk, entry.pk),
        url("entry_delete", business.pk, entry.pk),
    ]
    as_seller, as_other, as_officer, as_admin, anonymous = (
        web(seller),
        web(other_seller),
        web(officer),
        web(city_admin),
        web(),
    )
    for path in pages:
        assert as_seller.get(path).status_code == 200, path
        assert as_other.get(path).status_code == 404, path
        assert as_officer.get(path).status_code == 404, path
        assert as_admin.get(path).status_code == 404, path
        response = anonymous.get(path)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], path
    services.share_grant(
        actor=seller,
        business_id=business.pk,
        agency_id=Agency.objects.get(code="DISKOPINDAG").pk,
        agreed=True,
    )
    as_other_officer = web(other_officer)
    for path in pages:
        assert as_officer.get(path).status_code == 403, path
        assert as_other_officer.get(path).status_code == 404, path
    # writes too
    assert as_other.post(url("entry_new", business.pk), form_data()).status_code == 404
    assert as_officer.post(url("entry_delete", business.pk, entry.pk)).status_code == 403
    assert as_other.post(url("entry_restore", business.pk, entry.pk)).status_code == 404
    assert Entry.objects.count() == 1 and Entry.objects.get().deleted_at is None


def test_an_entry_of_another_book_is_404(web, seller, other_seller):
    business, other = shop(seller), shop(other_seller)
    theirs = make_entry(other)
    assert web(seller).get(url("entry_detail", business.pk, theirs.pk)).status_code == 404
    assert web(seller).post(url("entry_delete", business.pk, theirs.pk)).status_code == 404


def test_the_receipt_is_served_to_keepers_only(web, seller, other_seller, officer):
    business = shop(seller)
    client = web(seller)
    client.post(url("entry_new", business.pk), {**form_data(), "receipt": jpeg()})
    entry = Entry.objects.get()
    assert entry.receipt
    path = url("receipt", business.pk, entry.pk)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert f'src="{path}"' in text(client.get(url("entry_detail", business.pk, entry.pk)))
    assert web(other_seller).get(path).status_code == 404
    assert web(officer).get(path).status_code == 404
    assert web().get(path).status_code == 302
    without = make_entry(business)
    assert client.get(url("receipt", business.pk, without.pk)).status_code == 404


# --- the user's books ----------------------------------------------------------------------------
def test_home_opens_the_one_book_lists_several_and_explains_none(web, seller, buyer, operator):
    one = shop(seller)
    response = web(seller).get(url("home"))
    assert response.status_code == 302 and response["Location"] == url("book", one.pk)
    two = shop(seller, name="Warung Kedua")
    page = text(web(seller).get(url("home")))
    assert one.name in page and "Warung Kedua" in page and url("book", two.pk) in page
    none = text(web(buyer).get(url("home")))
    assert "daftarkan usaha Anda" in none and 'href="/umkm/daftar/"' in none
    assert url("assist_home") not in none
    assert url("assist_home") in text(web(operator).get(url("home")))
    assert web().get(url("home")).status_code == 302


def test_the_book_shows_automatic_entries_and_kasbon_due(web, seller):
    business = shop(seller)
    book = services.book_for_keeper(actor=seller, business_id=business.pk)
    Entry.objects.create(
        book=book,
        direction="in",
        category="sales",
        amount=40_000,
        occurred_on=today(),
        source=Source.MARKETPLACE,
        source_key="order:999",
    )
    contact = services.contact_create(
        actor=seller, business_id=business.pk, kind="customer", name="Bu Tini"
    )
    services.debt_create(
        actor=seller,
        business_id=business.pk,
        contact_id=contact.pk,
        amount=20_000,
        occurred_on=today(),
        due_on=today() + dt.timedelta(days=2),
    )
    page = text(web(seller).get(url("book", business.pk)))
    assert "dari pesanan marketplace" in page
    assert "Kasbon jatuh tempo" in page and "Bu Tini" in page and "Rp20.000" in page
    assert "+ Pemasukan" in page and "+ Pengeluaran" in page
    assert "data-queue hidden" in page  # the offline queue's banner, filled by offline.js


# --- one entry: edit, history, delete, restore ---------------------------------------------------
def test_an_edit_keeps_the_history_and_a_stale_edit_is_refused(web, seller):
    business = shop(seller)
    entry = make_entry(business, 10_000)
    client = web(seller)
    form = text(client.get(url("entry_edit", business.pk, entry.pk)))
    assert 'value="10.000"' in form and 'name="revision" value="1"' in form
    response = client.post(
        url("entry_edit", business.pk, entry.pk),
        form_data("12.000", note="salah ketik", revision="1"),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.amount, entry.revision, entry.note) == (12_000, 2, "salah ketik")
    page = text(client.get(url("entry_detail", business.pk, entry.pk)))
    assert "Perubahan disimpan." in page
    assert "Jumlah: Rp10.000 → Rp12.000" in page
    assert "Catatan: — → salah ketik" in page
    assert seller.name in page
    stale = client.post(url("entry_edit", business.pk, entry.pk), form_data("13.000", revision="1"))
    assert stale.status_code == 409
    assert "baru saja diubah di perangkat lain" in text(stale)
    entry.refresh_from_db()
    assert entry.amount == 12_000


def test_delete_and_restore_through_the_pages(web, seller):
    business = shop(seller)
    entry = make_entry(business, 7_000)
    client = web(seller)
    confirm = text(client.get(url("entry_delete", business.pk, entry.pk)))
    assert "Hapus catatan ini?" in confirm
    response = client.post(url("entry_delete", business.pk, entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    page = text(client.get(url("entry_detail", business.pk, entry.pk)))
    assert "Catatan dihapus." in page and "Pulihkan" in page and "Dihapus" in page
    listing = text(client.get(url("entries", business.pk)))
    assert f"catatan-{entry.pk}" not in listing
    deleted = text(client.get(url("entries", business.pk) + "?dihapus=1"))
    assert f"catatan-{entry.pk}" in deleted
    client.post(url("entry_restore", business.pk, entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is None
    assert [r.action for r in Revision.objects.filter(entry=entry).order_by("id")] == [
        "deleted",
        "restored",
    ]
    assert "Catatan dipulihkan." in text(client.get(url("entry_detail", business.pk, entry.pk)))


def test_automatic_entries_say_why_they_cannot_be_changed(web, seller):
    business = shop(seller)
    book = services.book_for_keeper(actor=seller, business_id=business.pk)
    entry = Entry.objects.create(
        book=book,
        direction="in",
        category="sales",
        amount=40_000,
        occurred_on=today(),
        source=Source.ASN_INSTORE,
        source_key="offline:1",
    )
    client = web(seller)
    page = text(client.get(url("entry_detail", business.pk, entry.pk)))
    assert "dibuat otomatis dari belanja langsung ASN" in page
    assert url("entry_edit", business.pk, entry.pk) not in page
    response = client.get(url("entry_edit", business.pk, entry.pk))
    assert response.status_code == 302
    client.post(url("entry_delete", business.pk, entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is None


# --- the list ------------------------------------------------------------------------------------
def test_the_list_by_month_with_totals_and_a_filter(web, seller):
    business = shop(seller)
    first = today().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    make_entry(business, 50_000)
    make_entry(business, 8_000, direction="out", category="operating")
    old = make_entry(business, 3_000, on=last_month)
    client = web(seller)
    page = text(client.get(url("entries", business.pk)))
    assert "Rp50.000" in page and "Rp8.000" in page and "Rp42.000" in page  # profit
    assert f"catatan-{old.pk}" not in page
    assert f"?bulan={last_month.strftime('%Y-%m')}" in page
    before = text(
        client.get(url("entries", business.pk) + f"?bulan={last_month.strftime('%Y-%m')}")
    )
    assert f"catatan-{old.pk}" in before and "Rp3.000" in before
    only_out = text(client.get(url("entries", business.pk) + "?jenis=keluar"))
    assert "−Rp8.000" in only_out or "-Rp8.000" in only_out
    assert "+Rp50.000" not in only_out
    assert client.get(url("entries", business.pk) + "?bulan=abcd&page=zz").status_code == 200


def test_the_list_is_paginated(web, seller):
    business = shop(seller)
    book = services.book_for_keeper(actor=seller, business_id=business.pk)
    Entry.objects.bulk_create(
        Entry(book=book, direction="in", category="sales", amount=1_000 + n, occurred_on=today())
        for n in range(55)
    )
    client = web(seller)
    page = text(client.get(url("entries", business.pk)))
    assert "Halaman 1 dari 2" in page and page.count('class="cash-row ') == 50
    second = text(client.get(url("entries", business.pk) + "?page=2"))
    assert second.count('class="cash-row ') == 5


# --- offline -------------------------------------------------------------------------------------
def test_the_service_worker_is_served_for_the_books(web):
    response = web().get(url("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/buku/"
    body = response.content.decode()
    assert "__ASSETS__" not in body and "__VERSION__" not in body
    assert "/static/malpro/app.css" in body and "/static/books/offline.js" in body
    assert "/catat/" in body


def test_the_offline_script_is_small():
    from pathlib import Path

    script = Path(services.__file__).parent / "static" / "books" / "offline.js"
    assert script.stat().st_size < 8_192


def test_lines_share_the_amount_by_price():
    from malpro.books.forms import EntryForm

    class Item:
        def __init__(self, pk, price):
            self.pk, self.name, self.unit = pk, f"i{pk}", "pcs"
            self.sell_price = self.buy_price = price

    form = EntryForm(direction="in", stock=[Item(1, 3_000), Item(2, 1_000)])
    form.cleaned_data = {"item_0": 1, "qty_0": 2, "item_1": 2, "qty_1": 1}
    assert [(x.item_id, x.total) for x in form.lines(7_000)] == [(1, 6_000), (2, 1_000)]
    assert [x.total for x in form.lines(3_500)] == [3_000, 500]
    assert [x.total for x in form.lines(6_000)] == [5_142, 857]  # scaled down, never above


def test_an_assisting_operator_keeps_the_book_until_the_assistance_ends(web, operator):
    business = make_business(village="35.73.02.1001")  # no owner account
    client = web(operator)
    assert client.get(url("book", business.pk)).status_code == 404
    assistance = services.assistance_start(
        actor=operator,
        business_id=business.pk,
        consent=True,
        consent_note="lisan, di kantor kelurahan",
    )
    page = text(client.get(url("book", business.pk)))
    assert "dicatat operator" in page
    response = client.post(url("entry_new", business.pk), form_data("20rb"))
    entry = Entry.objects.get()
    assert (entry.amount, entry.created_by) == (20_000, operator)
    assert response["Location"].startswith(url("book", business.pk))
    assert client.get(url("home")).status_code == 302  # the one book it keeps
    services.assistance_end(actor=operator, assistance_id=assistance.pk)
    assert client.get(url("book", business.pk)).status_code == 404
    assert client.get(url("entry_detail", business.pk, entry.pk)).status_code == 404
