"""The guided registration ("Mulai jualan", issue 18): three steps saved as they go, the same
required-ness as submitting for verification, amounts in words, and the status page."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from malpro.catalog.models import Product, ProductStatus
from malpro.conftest import make_user
from malpro.umkm import services
from malpro.umkm.models import Business, Document, Status, StatusChange
from malpro.umkm.tests.factories import make_business

NIK = "3573054107850002"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def png(name="keripik.png", color=(190, 120, 40)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def essentials(**changes) -> dict:
    data = {
        "name": "Keripik Tempe Bu Warsini",
        "sector": "makanan_minuman",
        "owner_name": "Warsini",
        "owner_nik": NIK,
        "phone": "0812-3456-7890",
        "village_code": "35.73.05.1003",
        "address": "Jl. Sumbersari Gg. 3 No. 12",
        "capital": "5 juta",
        "annual_sales": "Rp 60 jt",
        "agency": "DISKOPINDAG",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def newcomer(db):
    """A fresh account with a verified phone and no business yet."""
    return make_user("085712345678", "Bu Warsini")


# --- the way in ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_anonymous_mulai_jualan_goes_to_sign_up_and_comes_back(web):
    response = web().get("/umkm/mulai/")
    assert response.status_code == 302
    assert response["Location"] == "/akun/daftar/?next=%2Fumkm%2Fmulai%2F"
    page = web().get("/akun/daftar/?next=/umkm/mulai/")
    assert "langsung lanjut ke pendaftaran usaha" in text(page)


@pytest.mark.django_db
def test_home_and_account_offer_mulai_jualan_to_people_without_a_business(web, newcomer, seller):
    assert 'href="/umkm/mulai/"' in web(newcomer).get("/").content.decode()
    assert 'href="/umkm/mulai/"' in web(newcomer).get("/akun/profil/").content.decode()
    anonymous_home = web().get("/").content.decode()
    assert 'href="/akun/daftar/?next=/umkm/mulai/"' in anonymous_home
    make_business(owner=seller)
    assert "Mulai jualan" not in web(seller).get("/").content.decode()


@pytest.mark.django_db
def test_step_one_shows_the_steps_and_what_is_required(web, newcomer):
    page = text(web(newcomer).get("/umkm/mulai/"))
    assert "Langkah 1 dari 3" in page
    assert "Belum punya NIB? Bisa diurus gratis" in page
    assert "tidak termasuk tanah dan bangunan" in page
    assert "Pilih “Belum tahu” bila ragu" in page
    # The KTP-side identity, the phone, the kelurahan and the OPD are marked before submitting.
    for label in ("NIK pemilik", "Kelurahan", "Nomor HP usaha (WhatsApp)"):
        assert re.search(rf">{re.escape(label)}</label> <span class=\"req\">wajib</span>", page)
    assert re.search(r"OPD pembina <span class=\"req\">wajib</span>", page)
    assert '<optgroup label="Kec. Klojen">' in page
    assert "SKU" not in page


# --- step 1 --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_step_one_takes_capital_in_words_and_makes_a_draft(web, newcomer):
    response = web(newcomer).post("/umkm/mulai/", essentials())
    business = Business.objects.get(owner=newcomer)
    assert response["Location"] == f"/umkm/{business.pk}/mulai/dokumen/"
    assert business.status == Status.DRAFT
    assert (business.capital, business.annual_sales) == (5_000_000, 60_000_000)
    assert list(business.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["5.000.000", "Rp 5 jt", "5000000", "5 juta"])
def test_capital_digits_or_words(web, newcomer, typed):
    web(newcomer).post("/umkm/mulai/", essentials(capital=typed))
    assert Business.objects.get(owner=newcomer).capital == 5_000_000


@pytest.mark.django_db
def test_step_one_errors_sit_next_to_their_fields(web, newcomer):
    response = web(newcomer).post(
        "/umkm/mulai/", essentials(capital="lima juta", agency=None, owner_nik="123")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "tidak terbaca" in form.errors["capital"][0]
    assert form.errors["agency"] == ["Pilih OPD pembina, atau “Belum tahu”."]
    assert "owner_nik" in form.errors
    page = response.content.decode()
    assert 'id="id_capital_error"' in page and 'aria-invalid="true"' in page
    assert not Business.objects.filter(owner=newcomer).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sector", "agency"), [("pertanian", "DISPANGTAN"), ("kerajinan", "DISKOPINDAG")]
)
def test_belum_tahu_picks_the_agency_of_the_sector(web, newcomer, sector, agency):
    web(newcomer).post("/umkm/mulai/", essentials(sector=sector, agency="belum-tahu"))
    business = Business.objects.get(owner=newcomer)
    assert list(business.agencies.values_list("code", flat=True)) == [agency]


@pytest.mark.django_db
def test_step_one_again_keeps_what_it_does_not_ask(web, newcomer):
    client = web(newcomer)
    client.post("/umkm/mulai/", essentials())
    business = Business.objects.get(owner=newcomer)
    Business.objects.filter(pk=business.pk).update(opening_hours="Senin–Sabtu 08.00–16.00")
    page = client.get("/umkm/mulai/")  # resumes the draft instead of starting another
    assert page["Location"] == f"/umkm/{business.pk}/mulai/dokumen/"
    response = client.post(f"/umkm/{business.pk}/mulai/", essentials(address="Jl. Baru 1"))
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.address == "Jl. Baru 1"
    assert business.opening_hours == "Senin–Sabtu 08.00–16.00"
    assert Business.objects.filter(owner=newcomer).count() == 1


# --- step 2 --------------------------------------------------------------------------------------
@pytest.fixture
def draft(newcomer):
    services.business_register(
        actor=newcomer,
        data=services.BusinessInput(
            name="Keripik Tempe Bu Warsini",
            owner_name="Warsini",
            owner_nik=NIK,
            phone="081234567890",
            village_code="35.73.05.1003",
            sector="makanan_minuman",
            agency_codes=["DISKOPINDAG"],
        ),
    )
    return Business.objects.get(owner=newcomer)


@pytest.mark.django_db
def test_step_two_requires_the_ktp_photo_and_keeps_it_private(web, newcomer, draft, settings):
    client = web(newcomer)
    page = text(client.get(f"/umkm/{draft.pk}/mulai/dokumen/"))
    assert "Langkah 2 dari 3" in page and "tidak pernah ditampilkan kepada pembeli" in page
    response = client.post(f"/umkm/{draft.pk}/mulai/dokumen/", {})
    assert "Unggah foto KTP pemilik" in response.context["form"].errors["ktp"][0]
    response = client.post(
        f"/umkm/{draft.pk}/mulai/dokumen/",
        {
            "ktp": SimpleUploadedFile("ktp.jpg", JPEG),
            "pirt": SimpleUploadedFile("pirt.txt", b"hello"),
        },
    )
    assert "Jenis berkas tidak didukung" in response.context["form"].errors["pirt"][0]
    assert not Document.objects.filter(business=draft).exists()  # all or none
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not [f for f in private.rglob("*") if f.is_file()]  # the KTP photo's file too
    response = client.post(
        f"/umkm/{draft.pk}/mulai/dokumen/", {"ktp": SimpleUploadedFile("ktp.jpg", JPEG)}
    )
    assert response["Location"] == f"/jual/mulai/{draft.pk}/produk/"
    assert draft.documents.get().kind == Document.Kind.KTP
    # Filed once, it is no longer asked for.
    assert client.post(f"/umkm/{draft.pk}/mulai/dokumen/", {}).status_code == 302


@pytest.mark.django_db
def test_another_persons_steps_are_not_found(web, other_buyer, draft):
    client = web(other_buyer)
    for url in (f"/umkm/{draft.pk}/mulai/", f"/umkm/{draft.pk}/mulai/dokumen/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/jual/mulai/{draft.pk}/produk/").status_code == 404
    assert client.post(f"/umkm/{draft.pk}/mulai/ajukan/").status_code == 404


# --- step 3 and submitting -----------------------------------------------------------------------
@pytest.mark.django_db
def test_step_three_saves_the_first_product_with_its_photo(web, newcomer, draft):
    client = web(newcomer)
    page = text(client.get(f"/jual/mulai/{draft.pk}/produk/"))
    assert "Langkah 3 dari 3" in page and "Kode barang (opsional)" in page and "SKU" not in page
    response = client.post(
        f"/jual/mulai/{draft.pk}/produk/",
        {"name": "Keripik Tempe Pedas", "category_slug": "keripik", "price": "15rb", "stock": "20"},
    )
    assert response.context["form"].errors["photo"] == ["Tambahkan foto produknya."]
    response = client.post(
        f"/jual/mulai/{draft.pk}/produk/",
        {
            "name": "Keripik Tempe Pedas",
            "category_slug": "keripik",
            "price": "15rb",
            "stock": "20",
            "unit": "pack",
            "weight_grams": "0",
            "photo": png(),
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(business=draft)
    assert (product.price, product.stock, product.status) == (15_000, 20, ProductStatus.PUBLISHED)
    assert product.photos.count() == 1
    # Prepared, not yet for sale: buyers do not see it until the shop opens.
    assert web().get(f"/produk/{product.pk}/").status_code == 404


@pytest.mark.django_db
def test_submitting_without_ktp_goes_back_to_step_two(web, newcomer, draft):
    response = web(newcomer).post(f"/umkm/{draft.pk}/mulai/ajukan/", follow=True)
    assert response.redirect_chain[-1][0] == f"/umkm/{draft.pk}/mulai/dokumen/"
    assert "Lengkapi dulu sebelum mengajukan: foto KTP pemilik." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.django_db
def test_what_step_one_and_two_require_is_what_submitting_requires(web, newcomer):
    """Steps 1 and 2 done with only their required fields: submitting succeeds."""
    client = web(newcomer)
    client.post(
        "/umkm/mulai/",
        essentials(address="", capital="", annual_sales="", agency="belum-tahu"),
    )
    business = Business.objects.get(owner=newcomer)
    client.post(f"/umkm/{business.pk}/mulai/dokumen/", {"ktp": SimpleUploadedFile("k.jpg", JPEG)})
    response = client.post(f"/umkm/{business.pk}/mulai/ajukan/")
    assert response["Location"] == f"/umkm/{business.pk}/pengajuan/"
    business.refresh_from_db()
    assert business.status == Status.SUBMITTED


# --- the status page -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_status_page_after_submitting_says_who_verifies_and_how_long(web, seller):
    business = make_business(owner=seller, status=Status.SUBMITTED)
    page = text(web(seller).get(f"/umkm/{business.pk}/pengajuan/"))
    assert "Apa selanjutnya?" in page
    assert "Dinas Koperasi, Perindustrian dan Perdagangan" in page
    assert "1–3 hari kerja" in page  # the stated service level: too few verifications yet


@pytest.mark.django_db
def test_the_usual_wait_comes_from_recent_verifications(web, seller):
    now = timezone.now()
    for n in range(5):
        done = make_business(status=Status.VERIFIED)
        StatusChange.objects.filter(business=done).delete()
        for to, hours_ago in ((Status.SUBMITTED, 100 + n), (Status.VERIFIED, 50)):
            StatusChange.objects.create(
                business=done,
                from_status=Status.SUBMITTED if to == Status.VERIFIED else Status.DRAFT,
                to_status=to,
                created_at=now - dt.timedelta(hours=hours_ago),
            )
    business = make_business(owner=seller, status=Status.SUBMITTED)
    page = text(web(seller).get(f"/umkm/{business.pk}/pengajuan/"))
    assert "sekitar 3 hari" in page  # 52 hours, the median, rounded up to days
    assert "dari 5 pendaftaran terakhir" in page


@pytest.mark.django_db
def test_verified_status_page_opens_the_shop_in_one_tap(web, seller):
    business = make_business(owner=seller, status=Status.VERIFIED, name="Warung Bu Warsini")
    client = web(seller)
    page = text(client.get(f"/umkm/{business.pk}/pengajuan/"))
    assert "Tinggal buka toko" in page and "Buka toko sekarang" in page
    response = client.post(
        f"/umkm/{business.pk}/status/",
        {"to": "active", "next": f"/umkm/profil/{business.pk}-warung-bu-warsini/"},
    )
    assert response["Location"] == f"/umkm/profil/{business.pk}-warung-bu-warsini/"
    business.refresh_from_db()
    assert business.status == Status.ACTIVE and business.on_marketplace


@pytest.mark.django_db
def test_produk_saya_links_onward_when_the_shop_cannot_sell(web, seller):
    business = make_business(owner=seller, status=Status.SUBMITTED)
    page = text(web(seller).get("/jual/produk/"))
    assert "sedang diperiksa petugas OPD" in page
    assert f'href="/umkm/{business.pk}/pengajuan/"' in page
    business.status = Status.VERIFIED
    business.save(update_fields=["status"])
    page = text(web(seller).get("/jual/produk/"))
    assert "Tinggal satu langkah: buka toko" in page


@pytest.mark.django_db
def test_usaha_saya_resumes_a_draft_at_its_step(web, newcomer, draft):
    page = text(web(newcomer).get("/umkm/saya/"))
    assert f'href="/umkm/{draft.pk}/mulai/dokumen/">Lanjutkan pendaftaran' in page


@pytest.mark.django_db
def test_verification_message_links_to_the_status_page(seller, officer):
    from malpro.notifications.models import Notification

    business = make_business(owner=seller, status=Status.SUBMITTED)
    services.business_transition(actor=officer, business_id=business.pk, to=Status.VERIFIED)
    note = Notification.objects.filter(user=seller, kind="business.verified_for_owner").get()
    assert note.link == f"/umkm/{business.pk}/pengajuan/"
    assert "buka toko" in note.body.lower()


# --- the operator's scope (the form on an owner's behalf) ----------------------------------------
@pytest.mark.django_db
def test_operator_is_offered_only_her_area_and_refused_another_with_a_field_error(web, operator):
    client = web(operator)
    page = client.get("/umkm/daftar/?atas_nama=1").content.decode()
    assert '<optgroup label="Kec. Klojen">' in page
    assert "Kec. Lowokwaru" not in page and "35.73.05.1003" not in page
    data = {
        "on_behalf": "1",
        "name": "Warung Sumbersari",
        "sector": "perdagangan",
        "owner_name": "Pak Slamet",
        "owner_nik": "3573021203700008",
        "phone": "081299990009",
        "village_code": "35.73.05.1003",  # Sumbersari, Lowokwaru: not Klojen
        "capital": "5 juta",
        "agency_codes": ["DISKOPINDAG"],
        "consent": "on",
        "consent_note": "Formulir di kelurahan, 12/03/2026",
    }
    response = client.post("/umkm/daftar/?atas_nama=1", data)
    assert response.status_code == 200
    assert "di luar wilayah tugas Anda" in response.context["form"].errors["village_code"][0]
    assert not Business.objects.filter(name="Warung Sumbersari").exists()
    data["village_code"] = "35.73.02.1001"
    assert client.post("/umkm/daftar/?atas_nama=1", data).status_code == 302
    assert Business.objects.get(name="Warung Sumbersari").capital == 5_000_000


@pytest.mark.django_db
def test_step_one_points_to_the_claim_when_an_officer_registered_the_business(web, buyer):
    make_business(status=Status.VERIFIED, phone=buyer.phone)
    page = text(web(buyer).get("/umkm/mulai/"))
    assert 'href="/umkm/klaim/">Klaim usaha itu</a>' in page


@pytest.mark.django_db
def test_new_product_page_has_the_photo_and_one_price_and_stock(web, seller):
    from malpro.catalog.tests.factories import product, shop

    business = shop(seller)
    page = text(web(seller).get(f"/jual/produk/baru/?usaha={business.pk}"))
    assert 'name="photo"' in page and 'enctype="multipart/form-data"' in page
    assert page.count('name="price"') == 1 and page.count('name="stock"') == 1
    item = product(business, "Keripik")
    edit = text(web(seller).get(f"/jual/produk/{item.pk}/"))
    # One price and stock form (the quick one is gone); variants and history folded away.
    assert edit.count('name="stock"') == 1
    assert "<summary>Riwayat harga dan stok</summary>" in edit
    assert "Kode barang (opsional)" in edit and "SKU" not in edit


@pytest.mark.django_db
def test_an_officer_sees_the_status_without_the_owners_button(web, seller, officer):
    business = make_business(owner=seller, status=Status.VERIFIED)
    page = text(web(officer).get(f"/umkm/{business.pk}/pengajuan/"))
    assert "Pemilik tinggal membuka tokonya" in page and "Buka toko sekarang" not in page
