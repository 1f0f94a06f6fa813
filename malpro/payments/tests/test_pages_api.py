import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from malpro.core.exceptions import PermissionDenied
from malpro.orders.models import OrderStatus
from malpro.payments import settlements
from malpro.payments.models import BankAccount, MerchantQRIS, PayoutBatch, Reconciliation
from malpro.payments.tests.helpers import cashless_checkout, completed_payable_order, notify
from malpro.payments.tests.test_qris import LONG_NAME, static_payload


@pytest.mark.django_db
def test_payment_api(api, buyer, other_buyer, seller):
    checkout, payment, _ = cashless_checkout(buyer, seller)
    url = f"/api/v1/checkouts/{checkout.pk}/payment"
    body = api(buyer).get(url).json()
    assert body["method"] == "qris" and body["status"] == "pending"
    assert body["amount"] == 30000 and body["qris_payload"].startswith("000201")
    assert api(other_buyer).get(url).status_code == 404


@pytest.mark.django_db
def test_checkout_through_the_api_with_a_virtual_account(
    api, buyer, seller, django_capture_on_commit_callbacks
):
    from malpro.orders.tests.factories import delivering_shop, product

    item = product(delivering_shop(seller), "Keripik", price=20000, stock=5)
    client = api(buyer)
    client.post("/api/v1/cart/items", {"product_id": item.pk, "quantity": 1})
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(
            "/api/v1/checkout",
            {
                "address": {
                    "village_code": "35.73.05.1003",
                    "street": "Jl. A 1",
                    "contact_phone": "081234500001",
                },
                "sellers": [{"business_id": item.business_id, "delivery": "pickup"}],
                "payment_method": "va",
            },
            headers={"Idempotency-Key": "va-1"},
        ).json()
    assert placed["orders"][0]["status"] == OrderStatus.PENDING_PAYMENT
    payment = client.get(f"/api/v1/checkouts/{placed['checkout_id']}/payment").json()
    assert payment["va_number"].startswith("88077") and payment["status"] == "pending"


@pytest.mark.django_db
def test_balances_api_is_for_the_owner_and_the_city(api, buyer, seller, other_seller, city_admin):
    checkout, payment, _ = cashless_checkout(buyer, seller)
    business_id = checkout.orders.get().business_id
    url = "/api/v1/ledger/balances"
    assert api(seller).get(url, {"business": business_id}).json()["pending"] == 0
    notify(payment)
    assert api(seller).get(url, {"business": business_id}).json()["pending"] == 30000
    assert api(city_admin).get(url, {"business": business_id}).status_code == 200
    assert api(other_seller).get(url, {"business": business_id}).status_code == 403


@pytest.mark.django_db
def test_payment_page_shows_the_qr_and_updates_itself(web, buyer, seller):
    checkout, payment, _ = cashless_checkout(buyer, seller)
    client = web(buyer)
    page = client.get(f"/bayar/{checkout.pk}/").content.decode()
    assert "<svg" in page and "Rp30.000" in page and "data-countdown" in page
    assert 'hx-trigger="every 3s"' in page
    notify(payment)
    status = client.get(f"/bayar/{checkout.pk}/status/").content.decode()
    assert "Pembayaran diterima" in status


@pytest.mark.django_db
def test_buyer_cancels_an_unpaid_checkout(web, buyer, seller):
    checkout, _, item = cashless_checkout(buyer, seller)
    web(buyer).post(f"/bayar/{checkout.pk}/batal/")
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    item.refresh_from_db()
    assert item.stock == 10


@pytest.mark.django_db
def test_seller_pastes_a_static_qris(web, seller):
    from malpro.catalog.tests.factories import shop

    business = shop(seller)
    client = web(seller)
    broken = client.post(
        f"/jual/saldo/?usaha={business.pk}",
        {"form": "qris", "usaha": business.pk, "payload": static_payload(crc="0000")},
    )
    assert "CRC tidak cocok" in broken.content.decode()
    client.post(
        f"/jual/saldo/?usaha={business.pk}",
        {"form": "qris", "usaha": business.pk, "payload": static_payload(name=LONG_NAME)},
    )
    saved = MerchantQRIS.objects.get(business=business)
    assert saved.merchant_name == LONG_NAME and saved.nmid == "ID1020021234567"
    client.post(
        f"/jual/saldo/?usaha={business.pk}",
        {
            "form": "bank",
            "usaha": business.pk,
            "bank_code": "BJTM",
            "account_number": "0011223344",
            "account_name": "Bu Sari",
        },
    )
    assert BankAccount.objects.get(business=business).account_number == "0011223344"


@pytest.mark.django_db
def test_payouts_page_is_for_the_city(web, city_admin, auditor, seller):
    assert web(city_admin).get("/kota/pencairan/").status_code == 200
    assert web(auditor).get("/kota/pencairan/").status_code == 200
    assert web(auditor).post("/kota/pencairan/", {"action": "create"}).status_code == 403
    assert web(seller).get("/kota/pencairan/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["create", "approve", "paid", "cancel"])
def test_the_auditor_cannot_act_on_payout_batches(web, auditor, buyer, seller, city_admin, action):
    completed_payable_order(buyer, seller)
    batch = settlements.batch_create(actor=None, provider="simulator")  # the daily job's
    if action == "paid":
        settlements.batch_approve(actor=city_admin, batch_id=batch.pk)
    state = PayoutBatch.objects.get(pk=batch.pk).state
    response = web(auditor).post("/kota/pencairan/", {"action": action, "batch_id": batch.pk})
    assert response.status_code == 403
    assert "hanya membaca" in response.content.decode()
    assert PayoutBatch.objects.get(pk=batch.pk).state == state
    assert PayoutBatch.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("batch_id", ["x", "", "1.5", "9" * 40, "999999"])
@pytest.mark.parametrize("action", ["approve", "paid", "cancel"])
def test_a_bad_batch_id_is_a_clear_error_not_a_500(web, city_admin, batch_id, action):
    client = web(city_admin)
    response = client.post("/kota/pencairan/", {"action": action, "batch_id": batch_id})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Pencairan dana tidak ditemukan." in page


@pytest.mark.django_db
def test_reconciliation_is_run_by_the_city_admin_and_read_by_the_auditor(web, city_admin, auditor):
    report = "order_id,gross_amount,transaction_status\nMLPSTRANGER,7000.00,settlement\n"

    def upload(client):
        return client.post(
            "/kota/rekonsiliasi/",
            {"provider": "simulator", "file": SimpleUploadedFile("settle.csv", report.encode())},
        )

    refused = upload(web(auditor))
    assert refused.status_code == 403
    assert not Reconciliation.objects.exists()
    assert upload(web(city_admin)).status_code == 200
    assert Reconciliation.objects.count() == 1
    page = web(auditor).get("/kota/rekonsiliasi/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "settle.csv" in body and 'type="file"' not in body


@pytest.mark.django_db
def test_reconcile_service_refuses_anyone_but_the_city_admin(auditor):
    with pytest.raises(PermissionDenied):
        settlements.reconcile(
            actor=auditor,
            provider="simulator",
            source=io.BytesIO(b"order_id,gross_amount\n"),
            filename="settle.csv",
        )


@pytest.mark.django_db
def test_reconciliation_lists_missing_extra_and_different_amounts(buyer, seller, city_admin):
    _, first, _ = cashless_checkout(buyer, seller, key="a")
    _, second, _ = cashless_checkout(buyer, seller, key="b", price=10000)
    _, third, _ = cashless_checkout(buyer, seller, key="c", price=5000)
    for payment in (first, second, third):
        notify(payment)
    report = (
        "order_id,gross_amount,transaction_status\n"
        f"{first.reference},{first.amount}.00,settlement\n"
        f"{second.reference},19000.00,settlement\n"
        "MLPSTRANGER,7000.00,settlement\n"
    )
    run = settlements.reconcile(
        actor=city_admin,
        provider="simulator",
        source=io.BytesIO(report.encode()),
        filename="settle.csv",
    )
    kinds = {(m["kind"], m["reference"]) for m in run.mismatches}
    assert run.matched == 1
    assert kinds == {
        ("amount", second.reference),
        ("missing", third.reference),
        ("extra", "MLPSTRANGER"),
    }


@pytest.mark.django_db
def test_simulator_page_pays_through_the_real_webhook(
    live_server, browser_free_client, buyer, seller
):
    checkout, payment, _ = cashless_checkout(buyer, seller)
    response = browser_free_client.post(
        f"{live_server.url}/bayar/simulator/{payment.reference}/", {"action": "pay"}
    )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"


@pytest.fixture
def browser_free_client():
    """Posts to the live server over real HTTP (the simulator page then calls the webhook)."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    class Response:
        def __init__(self, status):
            self.status_code = status

    class HTTP:
        """A real HTTP client with cookies: loads the form first, posts it with its token."""

        def __init__(self):
            self.opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )

        def post(self, url, data):
            with self.opener.open(url, timeout=20) as page:
                token = re.search(
                    r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()
                ).group(1)
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
            with self.opener.open(
                urllib.request.Request(url, data=body, method="POST"), timeout=20
            ) as response:
                return Response(response.status)

    return HTTP()


@pytest.mark.django_db
def test_a_payout_batch_is_approved_by_another_admin_than_its_maker(web, buyer, seller, city_admin):
    from malpro.conftest import make_user

    completed_payable_order(buyer, seller)
    maker = web(city_admin)
    maker.post("/kota/pencairan/", {"action": "create", "provider": "simulator"})
    batch = PayoutBatch.objects.get()
    assert batch.created_by == city_admin
    page = maker.get("/kota/pencairan/").content.decode()
    assert "Menunggu persetujuan admin kota lain" in page and 'value="approve"' not in page
    response = maker.post(
        "/kota/pencairan/", {"action": "approve", "batch_id": batch.pk}, follow=True
    )
    assert "prinsip empat mata" in response.content.decode()
    assert PayoutBatch.objects.get().state == PayoutBatch.State.DRAFT

    other = web(make_user("081234500098", "Budi Admin", [("city_admin", None, None)]))
    assert 'value="approve"' in other.get("/kota/pencairan/").content.decode()
    other.post("/kota/pencairan/", {"action": "approve", "batch_id": batch.pk})
    batch.refresh_from_db()
    assert batch.state == PayoutBatch.State.APPROVED and batch.approved_by != city_admin


@pytest.mark.django_db
def test_cancelling_an_approved_batch_needs_a_reason_and_its_file_is_gone(
    web, buyer, seller, city_admin
):
    from malpro.core.models import AuditEvent

    completed_payable_order(buyer, seller)
    batch = settlements.batch_create(actor=None, provider="simulator")  # the daily job's
    admin = web(city_admin)
    admin.post("/kota/pencairan/", {"action": "approve", "batch_id": batch.pk})
    assert admin.get(f"/kota/pencairan/{batch.pk}.csv").status_code == 200
    assert AuditEvent.objects.filter(action="payments.payout_csv_downloaded").count() == 1

    page = admin.post(
        "/kota/pencairan/", {"action": "cancel", "batch_id": batch.pk}, follow=True
    ).content.decode()
    assert "hanya dapat dibatalkan dengan alasan" in page
    assert PayoutBatch.objects.get().state == PayoutBatch.State.APPROVED
    admin.post(
        "/kota/pencairan/",
        {"action": "cancel", "batch_id": batch.pk, "reason": "Bank menolak: rekening tutup"},
    )
    assert PayoutBatch.objects.get().state == PayoutBatch.State.CANCELLED
    event = AuditEvent.objects.get(action="payments.payout_batch_cancelled")
    assert event.data == {
        "from": "approved",
        "total": batch.total,
        "reason": "Bank menolak: rekening tutup",
    }
    assert admin.get(f"/kota/pencairan/{batch.pk}.csv").status_code == 404
    # The money is free again, for a new batch (and a new approval).
    again = settlements.batch_create(actor=None, provider="simulator")
    assert again.total == batch.total


@pytest.mark.django_db
def test_the_payouts_page_shows_every_amount_as_whole_rupiah(web, buyer, seller, city_admin):
    import re

    completed_payable_order(buyer, seller)
    settlements.batch_create(actor=None, provider="simulator")
    _, payment, _ = cashless_checkout(buyer, seller, key="other-amount")
    notify(payment, amount=92000)  # refused: the payment is Rp30.000
    page = web(city_admin).get("/kota/pencairan/").content.decode()
    assert "jumlah Rp92.000, seharusnya Rp30.000" in page
    amounts = re.findall(r"Rp[0-9][0-9.,]*[0-9]", page)
    assert amounts and all(re.fullmatch(r"Rp\d{1,3}(\.\d{3})*", a) for a in amounts), amounts
