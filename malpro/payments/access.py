"""Who may see or do what with payments, seller balances and payouts: the one place pages, the
API, menus, exports and the services ask.

- A buyer sees (and cancels, before it is paid) the payment of their own checkout; for anyone
  else it does not exist (404).
- A business owner sees their shop's balance and sets its payout bank account and static
  QRIS; the city admin and the auditor read any shop's balance through the API.
- The city admin runs payouts (batches, the bank file) and reconciliation runs; the auditor
  reads them (and may download the bank file, which is audited) and changes nothing (403);
  for everyone else those pages do not exist (404).
- Payment statuses are moved only by the system (the provider's webhook, the expiry job, the
  charge after checkout): no person has an edge in the payment machine.

Parties (for the state machines in payments/workflow.py):
- payment: buyer (the checkout's buyer), admin (city admin), auditor;
- payout batch: admin (city admin), auditor (reads, moves none: 403 rather than 404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound, PermissionDenied
from malpro.payments.models import (
    BankAccount,
    MerchantQRIS,
    Notification,
    Payment,
    PayoutBatch,
    Reconciliation,
)
from malpro.umkm.models import Business

BUYER, ADMIN, AUDITOR = "buyer", "admin", "auditor"
PARTY_LABELS = {
    BUYER: gettext_lazy("pembeli"),
    ADMIN: gettext_lazy("admin kota"),
    AUDITOR: gettext_lazy("auditor"),
}


# --- payments ------------------------------------------------------------------------------------
def payment_visible(*, user) -> QuerySet[Payment]:
    """A buyer's own payments; every payment for the city admin and the auditor."""
    if not signed_in(user):
        return Payment.objects.none()
    if accounts.sees_whole_city(user=user):
        return Payment.objects.all()
    return Payment.objects.filter(checkout__buyer=user)


def payment_get_for_buyer(*, user, checkout_id) -> Payment:
    """The payment page and its API are the buyer's: another person gets 404, officials too
    (they read payments through payouts and reconciliation)."""
    payment = None
    if signed_in(user):
        payment = (
            Payment.objects.select_related("checkout")
            .filter(checkout_id=checkout_id, checkout__buyer=user)
            .first()
        )
    if payment is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    return payment


def payment_parties(user, payment: Payment) -> set[str]:
    if not signed_in(user):
        return set()
    parties = set()
    if payment.checkout.buyer_id == user.pk:
        parties.add(BUYER)
    if accounts.is_city_admin(user=user):
        parties.add(ADMIN)
    elif accounts.is_auditor(user=user):
        parties.add(AUDITOR)
    return parties


# --- seller: balance, payout account, static QRIS ------------------------------------------------
def balance_businesses(*, user) -> QuerySet[Business]:
    """The shops whose balance page `user` opens: their own."""
    if not signed_in(user):
        return Business.objects.none()
    return (
        Business.objects.filter(owner=user)
        .select_related("village__district")
        .order_by("-created_at")
    )


def can_see_balance_menu(*, user) -> bool:
    return accounts.is_seller(user=user)


def can_view_balance(*, user, business: Business) -> bool:
    """The owner, and the city (admin and auditor) that pays sellers out."""
    return signed_in(user) and (business.owner_id == user.pk or accounts.sees_whole_city(user=user))


def balance_business_get_for_user(*, user, business_id: int) -> Business:
    business = Business.objects.filter(pk=business_id).first()
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    if not can_view_balance(user=user, business=business):
        raise PermissionDenied(_("Saldo ini hanya untuk pemilik usaha dan admin kota."))
    return business


def can_set_payout_account(*, user, business: Business) -> bool:
    """Where the money goes is the owner's to say, nobody else's."""
    return signed_in(user) and business.owner_id == user.pk


def can_set_static_qris(*, user, business: Business) -> bool:
    return can_set_payout_account(user=user, business=business)


def payout_account_of(*, business: Business) -> BankAccount | None:
    return BankAccount.objects.filter(business=business).first()


def static_qris_of(*, business: Business) -> MerchantQRIS | None:
    return MerchantQRIS.objects.filter(business=business).first()


# --- the city: payouts and reconciliation --------------------------------------------------------
def can_view_payouts(*, user) -> bool:
    """The city's money pages: the city admin runs them, the auditor reads them."""
    return accounts.sees_whole_city(user=user)


def can_manage_payouts(*, user) -> bool:
    """Making, approving, confirming and cancelling payout batches."""
    return accounts.is_city_admin(user=user)


def can_download_payout_file(*, user) -> bool:
    """The bank file of an approved or paid batch; each download is audited."""
    return can_view_payouts(user=user)


def can_view_reconciliation(*, user) -> bool:
    return can_view_payouts(user=user)


def can_run_reconciliation(*, user) -> bool:
    return accounts.is_city_admin(user=user)


def payout_batch_visible(*, user) -> QuerySet[PayoutBatch]:
    if not can_view_payouts(user=user):
        return PayoutBatch.objects.none()
    return PayoutBatch.objects.select_related("created_by", "approved_by").prefetch_related(
        "lines__business"
    )


def payout_batch_parties(user, batch: PayoutBatch) -> set[str]:
    if accounts.is_city_admin(user=user):
        return {ADMIN}
    if accounts.is_auditor(user=user):
        return {AUDITOR}
    return set()


def reconciliation_visible(*, user) -> QuerySet[Reconciliation]:
    if not can_view_reconciliation(user=user):
        return Reconciliation.objects.none()
    return Reconciliation.objects.all()


def rejected_notifications_visible(*, user) -> QuerySet[Notification]:
    """Provider notifications that changed nothing (forged, unknown, other amount)."""
    if not can_view_payouts(user=user):
        return Notification.objects.none()
    return Notification.objects.exclude(result__in=["applied", "duplicate", "ignored"])


def late_payments_visible(*, user) -> QuerySet[Payment]:
    """Paid after expiry: the money is owed back to the buyer."""
    if not can_view_payouts(user=user):
        return Payment.objects.none()
    return Payment.objects.filter(paid_late=True)


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "payments: check a QRIS payload (/cek-qris/), provider webhooks (signed)", "-"),
    ("buyer", "payment page, its status and API: view; the QR as a PNG file", "own checkouts"),
    ("buyer", "payment: cancel the checkout before it is paid", "own checkouts"),
    ("asn", "payment page, its status and API as a buyer", "own checkouts"),
    ("seller", "shop balance: view (page and API)", "own businesses"),
    ("seller", "payout bank account, static QRIS: set (the owner is notified)", "own businesses"),
    ("city_admin", "shop balance (API): view", "every business"),
    ("city_admin", "payout batches: create, approve, confirm paid, cancel", "every batch"),
    ("city_admin", "payout batch: approve only if made by another admin or the daily job", "-"),
    ("city_admin", "payout batch: confirm paid only if approved by another admin", "-"),
    ("city_admin", "payout bank file: download (audited)", "approved and paid batches"),
    ("city_admin", "reconciliation: run, read", "every provider"),
    ("auditor", "shop balance (API), payout batches, reconciliation: read only", "the city"),
    ("auditor", "payout bank file: download (audited)", "approved and paid batches"),
    ("system", "payment: charge, capture, fail, expire (webhooks and jobs)", "every payment"),
    ("system", "payout batch: create a draft (daily job)", "every provider"),
]


def _checkout(objects) -> dict:
    """A buyer's unpaid QRIS checkout at the seller's shop, and an approved payout batch."""
    from malpro.payments.tests.helpers import approved_batch, cashless_checkout

    checkout, payment, _item = cashless_checkout(objects["buyer"], objects["seller"])
    return {
        "checkout": checkout,
        "payment": payment,
        "business": checkout.orders.get().business,
        "batch": approved_batch(objects),
    }


def _pay(objects) -> str:
    return f"/bayar/{objects['checkout'].pk}/"


def _pay_status(objects) -> str:
    return f"/bayar/{objects['checkout'].pk}/status/"


def _pay_qr_png(objects) -> str:
    return f"/bayar/{objects['checkout'].pk}/qris.png"


def _pay_cancel(objects) -> str:
    return f"/bayar/{objects['checkout'].pk}/batal/"


def _payment_api(objects) -> str:
    return f"/api/v1/checkouts/{objects['checkout'].pk}/payment"


def _balance_api(objects) -> str:
    return f"/api/v1/ledger/balances?business={objects['business'].pk}"


def _balance_page(objects) -> str:
    return f"/jual/saldo/?usaha={objects['business'].pk}"


def _payout_csv(objects) -> str:
    return f"/kota/pencairan/{objects['batch'].pk}.csv"


def _cases() -> list[dict]:
    def case(role, method, url, expect, **more):
        return {"role": role, "method": method, "url": url, "expect": expect, **more}

    made = {"make": _checkout}
    cases = [
        case(None, "get", "/cek-qris/", 200),
        case(None, "get", _pay, 302, **made),
        case("buyer", "get", _pay, 200, **made),
        case("other_buyer", "get", _pay, 404, **made),
        case("city_admin", "get", _pay, 404, **made),
        case("buyer", "get", _pay_status, 200, **made),
        case("other_buyer", "get", _pay_status, 404, **made),
        case(None, "get", _pay_qr_png, 302, **made),
        case("buyer", "get", _pay_qr_png, 200, **made),
        case("other_buyer", "get", _pay_qr_png, 404, **made),
        case("city_admin", "get", _pay_qr_png, 404, **made),
        case("other_buyer", "post", _pay_cancel, 404, **made),
        case("buyer", "post", _pay_cancel, 302, **made),
        case(None, "get", _payment_api, 401, **made),
        case("buyer", "get", _payment_api, 200, **made),
        case("other_buyer", "get", _payment_api, 404, **made),
        case(None, "get", _balance_api, 401, **made),
        case("seller", "get", _balance_api, 200, **made),
        case("other_seller", "get", _balance_api, 403, **made),
        case("city_admin", "get", _balance_api, 200, **made),
        case("auditor", "get", _balance_api, 200, **made),
        case(None, "get", _balance_page, 302, **made),
        case("seller", "get", _balance_page, 200, **made),
        # Someone without a shop is sent to register one; never shown another's balance.
        case("other_seller", "get", _balance_page, 302, **made),
        case(None, "get", "/kota/pencairan/", 302),
        case("city_admin", "get", "/kota/pencairan/", 200),
        case("auditor", "get", "/kota/pencairan/", 200),
        case("auditor", "post", "/kota/pencairan/", 403, data={"action": "create"}),
        case("seller", "get", "/kota/pencairan/", 404),
        case("officer", "get", "/kota/pencairan/", 404),
        case("city_admin", "get", _payout_csv, 200, **made),
        case("auditor", "get", _payout_csv, 200, **made),
        case("seller", "get", _payout_csv, 404, **made),
        case(None, "get", "/kota/rekonsiliasi/", 302),
        case("city_admin", "get", "/kota/rekonsiliasi/", 200),
        case("auditor", "get", "/kota/rekonsiliasi/", 200),
        case("auditor", "post", "/kota/rekonsiliasi/", 403),
        case("buyer", "get", "/kota/rekonsiliasi/", 404),
    ]
    return cases


ACCESS_CASES = _cases()
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES ("role", "method", "url" path or callable(objects),
"expect", optional "make": callable(objects) -> dict of created objects, optional "data").
`_checkout` makes a buyer's unpaid QRIS checkout at the seller's shop (with its business) and an
approved payout batch; it imports the test helpers only when a case runs."""
