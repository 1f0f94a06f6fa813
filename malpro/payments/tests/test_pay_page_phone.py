"""Issue 18: the payment page on the phone that must pay. The QR downloads as a PNG (to scan
from the gallery), only for its buyer; a virtual account's number and amount can be copied and
each bank's steps are there."""

import datetime as dt

import pytest
from django.utils import timezone

from malpro.payments.models import Payment
from malpro.payments.tests.helpers import cashless_checkout

pytestmark = pytest.mark.django_db


def test_the_qr_downloads_as_a_png_for_its_buyer_only(web, buyer, other_buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller)
    client = web(buyer)
    page = client.get(f"/bayar/{checkout.pk}/").content.decode()
    url = f"/bayar/{checkout.pk}/qris.png"
    assert f'href="{url}"' in page and "Simpan QR ke galeri" in page
    assert "Simpan QR lalu buka aplikasi bank/e-wallet → pindai dari galeri" in page
    assert "Bagikan QR" in page  # shown by the script where the phone can share files
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="qris-{payment.reference}.png"'
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert web(other_buyer).get(url).status_code == 404
    # Paid: nothing left to scan.
    Payment.objects.filter(pk=payment.pk).update(status="paid")
    assert client.get(url).status_code == 404


def test_a_virtual_account_can_be_copied_with_steps_per_bank(web, buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller, method="va")
    html = web(buyer).get(f"/bayar/{checkout.pk}/").content.decode()
    assert f'id="va-number" class="va" type="text" readonly value="{payment.va_number}"' in html
    assert 'data-copy="va-number"' in html and 'data-copy="va-amount"' in html
    assert f'id="va-amount" type="text" readonly value="{payment.amount}"' in html
    for bank in ("BCA", "BRI", "BNI", "Mandiri", "BSI", "Bank Jatim"):
        assert f"<details><summary>{bank}</summary>" in html
    assert "ATM BRI" in html and "BRImo" in html
    assert "qris.png" not in html


def test_a_payment_past_its_time_says_so_and_what_to_do(web, buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller)
    Payment.objects.filter(pk=payment.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    html = web(buyer).get(f"/bayar/{checkout.pk}/").content.decode()
    assert "Waktu pembayaran sudah habis" in html and "Belanja lagi" in html
    assert "Simpan QR ke galeri" not in html
    # A QR saved now would not pay: the file is gone too.
    assert web(buyer).get(f"/bayar/{checkout.pk}/qris.png").status_code == 404
